using MeshActors.Node.Links;

namespace MeshActors.Node.Tests.Links;

public class MassCloseTrimTests
{
    [Fact]
    public void A_mass_close_is_at_least_64_links_and_at_least_half_of_the_peak()
    {
        var trim = new MassCloseTrim();
        Assert.False(trim.LinksNow(100));

        Assert.False(trim.LinksNow(60)); // 40 closed
        Assert.False(trim.LinksNow(51)); // 49 closed
        Assert.True(trim.LinksNow(36)); // 64 closed, under half
        Assert.True(trim.LinksNow(0));
    }

    [Fact]
    public void A_small_node_losing_all_its_links_is_not_a_mass_close()
    {
        var trim = new MassCloseTrim();
        trim.LinksNow(40);

        Assert.False(trim.LinksNow(0));
    }

    [Fact]
    public void Half_of_a_large_node_closing_is_not_yet_one()
    {
        var trim = new MassCloseTrim();
        trim.LinksNow(1000);

        Assert.False(trim.LinksNow(600));
        Assert.True(trim.LinksNow(500));
    }

    [Fact]
    public void After_a_trim_the_peak_starts_again_from_the_links_left()
    {
        var trim = new MassCloseTrim();
        trim.LinksNow(1000);
        Assert.True(trim.LinksNow(10));

        trim.Trim(10);

        Assert.False(trim.LinksNow(0));
        Assert.False(trim.LinksNow(70));
        Assert.True(trim.LinksNow(6)); // 64 closed from the new peak of 70
    }
}
