using KefuScore.Web.Dashboard;

namespace KefuScore.Web.Tests.Dashboard;

public sealed class FormatTests
{
    [Theory]
    [InlineData(0, "0秒", "0 s")]
    [InlineData(45.9, "45秒", "45 s")]
    [InlineData(120, "2分钟", "2 min")]
    [InlineData(130, "2分10秒", "2 min 10 s")]
    [InlineData(3600, "1小时", "1 h")]
    [InlineData(81806, "22小时43分", "22 h 43 min")]
    [InlineData(183_600, "2天3小时", "2 d 3 h")]
    public void Durations_read_as_minutes_hours_and_days(double seconds, string zh, string en)
    {
        Assert.Equal(zh, Format.Duration(new Lang(false), seconds));
        Assert.Equal(en, Format.Duration(new Lang(true), seconds));
    }

    [Theory]
    [InlineData("2026-11-20T09:59:00+08:00", "09:59:00")]
    [InlineData("2026-11-19T11:16:34+08:00", "11-19 11:16:34")]
    [InlineData("2025-12-31T18:30:05+08:00", "2025-12-31 18:30:05")]
    public void An_instant_carries_its_date_when_not_today_and_its_year_when_not_this_year(string local, string shown)
    {
        Assert.Equal(shown, Format.When(DateTimeOffset.Parse(local, System.Globalization.CultureInfo.InvariantCulture), new DateOnly(2026, 11, 20)));
    }
}
