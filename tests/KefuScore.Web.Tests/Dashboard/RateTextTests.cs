using KefuScore.Web.Dashboard;

namespace KefuScore.Web.Tests.Dashboard;

public sealed class RateTextTests
{
    [Theory]
    [InlineData("97%", 0.97)]
    [InlineData("97 %", 0.97)]
    [InlineData("97％", 0.97)]
    [InlineData(" 0.97 ", 0.97)]
    [InlineData("99.5%", 0.995)]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("100%", 1)]
    public void A_rate_is_read_as_a_share(string text, double share)
    {
        Assert.Equal(share, RateText.Parse(text, new Lang(false), out var error)!.Value, 12);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("97", "“97”不是比率：百分数请带 %（如 97%），或写成小数（如 0.97）")]
    [InlineData("101%", "“101%”超出 0%–100%")]
    [InlineData("-0.1", "“-0.1”超出 0%–100%")]
    [InlineData("九成", "“九成”不是比率，请写成 97% 或 0.97")]
    [InlineData("", "“”不是比率，请写成 97% 或 0.97")]
    public void Anything_else_is_refused_in_Chinese(string text, string message)
    {
        Assert.Null(RateText.Parse(text, new Lang(false), out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void In_English_the_refusal_is_English()
    {
        Assert.Null(RateText.Parse("97", new Lang(true), out var error));
        Assert.Equal("'97' is not a rate: add % (97%) or write a fraction like 0.97", error);
    }
}
