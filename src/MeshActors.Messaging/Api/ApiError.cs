namespace MeshActors.Messaging.Api;

/// <summary>One bad input: the JSON field or query parameter and what is wrong with it (for a 4xx problem body).</summary>
public sealed record ApiError(string Field, string Problem);
