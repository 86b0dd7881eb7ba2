using MeshActors.Cli;

return await MeshCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
