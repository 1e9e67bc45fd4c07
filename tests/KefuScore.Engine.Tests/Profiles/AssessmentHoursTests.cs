using KefuScore.Engine.Profiles;
using KefuScore.Engine.Text;

namespace KefuScore.Engine.Tests.Profiles;

public sealed class AssessmentHoursTests
{
    private static long At(string time) => TimeSpan.Parse(time, System.Globalization.CultureInfo.InvariantCulture).Ticks;

    [Theory]
    [InlineData("09:00-19:00", "09:00:00", true)]
    [InlineData("09:00-19:00", "18:59:59.999", true)]
    [InlineData("09:00-19:00", "19:00:00", false)]
    [InlineData("09:00-19:00", "08:59:59", false)]
    [InlineData("08:00:00-22:59:59", "22:59:59.5", true)]   // the platforms' inclusive last second
    [InlineData("08:00:00-22:59:59", "23:00:00", false)]
    [InlineData("23:00-09:00", "23:30:00", true)]           // over midnight
    [InlineData("23:00-09:00", "08:59:59", true)]
    [InlineData("23:00-09:00", "09:00:00", false)]
    [InlineData("all", "00:00:00", true)]
    public void Start_is_included_and_end_excluded(string window, string time, bool inside)
    {
        Assert.True(AssessmentHours.TryParse(window, out var hours, out _));
        Assert.Equal(inside, hours.Contains(At(time)));
    }

    [Theory]
    [InlineData("9-19")]
    [InlineData("09:00-09:00")]
    [InlineData("25:00-26:00")]
    public void Malformed_windows_are_refused_with_a_reason(string window)
    {
        Assert.False(AssessmentHours.TryParse(window, out _, out var error));
        Assert.Equal(window == "09:00-09:00" ? Codes.HoursEmpty : Codes.HoursNotWindow, error!.Code);
        Assert.Equal(window, error.Args[0]);
    }
}
