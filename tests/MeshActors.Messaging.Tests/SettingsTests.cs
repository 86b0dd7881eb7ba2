namespace MeshActors.Messaging.Tests;

public sealed class SettingsTests
{
    [Fact]
    public void Defaults_are_valid() => new MessageBusSettings().Validate();

    [Fact]
    public void A_bad_value_is_reported_by_its_config_key()
    {
        var error = Assert.Throws<ArgumentException>(() => new MessageBusSettings { MaxFrameSize = 100 }.Validate());
        Assert.Contains(MessageBusSettings.Keys.MaxFrameSize, error.Message);

        error = Assert.Throws<ArgumentException>(() => new MessageBusSettings { DefaultDeadline = TimeSpan.FromHours(1) }.Validate());
        Assert.Contains(MessageBusSettings.Keys.DefaultDeadline, error.Message);
    }
}
