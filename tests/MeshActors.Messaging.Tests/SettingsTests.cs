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

    [Theory]
    [InlineData(0, 64, nameof(MessageBusSettings.Keys.MaxSendWindow))]
    [InlineData(MessageBusSettings.ReceiverInletFrames + 1, 64, nameof(MessageBusSettings.Keys.MaxSendWindow))]
    [InlineData(1024, 0, nameof(MessageBusSettings.Keys.InitialSendWindow))]
    [InlineData(1024, 2048, nameof(MessageBusSettings.Keys.InitialSendWindow))]
    public void Send_windows_must_fit_the_receiver_inlet_and_start_within_the_maximum(int max, int initial, string key)
    {
        var error = Assert.Throws<ArgumentException>(() => new MessageBusSettings { MaxSendWindow = max, InitialSendWindow = initial }.Validate());
        var expected = typeof(MessageBusSettings.Keys).GetField(key)!.GetValue(null) as string;
        Assert.StartsWith(expected + " ", error.Message);
    }

    [Fact]
    public void The_timeout_floor_must_be_positive_and_below_the_cap()
    {
        var error = Assert.Throws<ArgumentException>(() => new MessageBusSettings { MinRetransmitInterval = TimeSpan.Zero }.Validate());
        Assert.Contains(MessageBusSettings.Keys.MinRetransmitInterval, error.Message);

        error = Assert.Throws<ArgumentException>(() => new MessageBusSettings { MinRetransmitInterval = TimeSpan.FromSeconds(11) }.Validate());
        Assert.Contains(MessageBusSettings.Keys.MinRetransmitInterval, error.Message);

        // A floor above the initial timeout is allowed: the initial one applies only before the first measurement.
        new MessageBusSettings { InitialRetransmitInterval = TimeSpan.FromMilliseconds(100) }.Validate();
    }
}
