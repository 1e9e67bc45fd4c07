using System.Globalization;
using Bunit;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using KefuScore.Web.Dashboard;
using KefuScore.Web.Dashboard.Overview;
using Microsoft.Extensions.DependencyInjection;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>
/// 环比 on 2026-11-18 (a Wednesday): the last 7 days are 11-11…11-17, the 7 before 11-04…11-10; today is left out.
/// A week's value is its days' parts added, never an average of daily rates.
/// </summary>
public sealed class WeekOverWeekTests : ShopWidePageContext
{
    private static readonly DateOnly Today = new(2026, 11, 18);

    private static readonly MetricDefinition Reply = new() { Id = "reply", Kind = MetricKind.ReplyWithin, WithinSeconds = 180 };
    private static readonly MetricDefinition Time = new() { Id = "time", Kind = MetricKind.ReplyTime };
    private static readonly MetricDefinition Good = new() { Id = "good", Kind = MetricKind.RatingShare, Levels = [Satisfaction.Satisfied] };
    private static readonly MetricDefinition Bad = new() { Id = "bad", Kind = MetricKind.RatingShare, Levels = [Satisfaction.Dissatisfied] };
    private static readonly MetricDefinition Unanswered = new() { Id = "unanswered", Kind = MetricKind.Unanswered };
    private static readonly MetricRoles Roles = MetricRoles.Resolve(new Dictionary<MetricRole, string>(), [Reply, Time, Good, Bad, Unanswered]);

    private static MetricValue Rate(MetricDefinition m, long numerator, long denominator) => new(m, new MetricCell { Numerator = numerator, Denominator = denominator });
    private static MetricValue Seconds(MetricDefinition m, double seconds, long count) => new(m, new MetricCell { SumTicks = (long)(seconds * TimeSpan.TicksPerSecond), Count = count });
    private static MetricValue Count(MetricDefinition m, long count) => new(m, new MetricCell { Count = count });

    private static PeriodReport Day(string date, params MetricValue[] metrics)
    {
        var d = DateOnly.Parse(date, CultureInfo.InvariantCulture);
        return new PeriodReport(date, d, d, metrics, []);
    }

    /// <summary>
    /// Before: 11-04 9 of 10 on time, 940 s over 10 replies, 1 of 20 ratings dissatisfied, 2 unanswered, no satisfied share.
    /// Last: 11-11 1 of 2 and 11-12 18 of 18 on time; 460 s over 2 and 1,080 s over 18; 3 of 25 dissatisfied, 20 of 25 satisfied.
    /// 11-03 and today (11-18) hold bad figures that must not count.
    /// </summary>
    private static IReadOnlyList<PeriodReport> Fortnight() =>
    [
        Day("2026-11-03", Rate(Reply, 0, 50), Count(Unanswered, 50)),
        Day("2026-11-04", Rate(Reply, 9, 10), Seconds(Time, 940, 10), Rate(Bad, 1, 20), Count(Unanswered, 2)),
        Day("2026-11-11", Rate(Reply, 1, 2), Seconds(Time, 460, 2), Rate(Bad, 1, 5), Rate(Good, 4, 5), Count(Unanswered, 0)),
        Day("2026-11-12", Rate(Reply, 18, 18), Seconds(Time, 1080, 18), Rate(Bad, 2, 20), Rate(Good, 16, 20), Count(Unanswered, 0)),
        Day("2026-11-18", Rate(Reply, 0, 5), Count(Unanswered, 5)),
    ];

    [Fact]
    public void The_weeks_are_the_seven_days_ending_yesterday_and_the_seven_before()
    {
        var weeks = WeekOverWeek.Compare(Roles, Fortnight(), Today);
        Assert.Equal((new DateOnly(2026, 11, 11), new DateOnly(2026, 11, 17)), (weeks.LastFrom, weeks.LastTo));
        Assert.Equal((new DateOnly(2026, 11, 4), new DateOnly(2026, 11, 10)), (weeks.BeforeFrom, weeks.BeforeTo));
        Assert.Equal(["reply", "time", "good", "bad", "unanswered"], weeks.Rows.Select(r => r.Metric.Id));
    }

    [Fact]
    public void A_weeks_rate_adds_the_days_parts_and_divides_once()
    {
        var row = WeekOverWeek.Compare(Roles, Fortnight(), Today).Rows.Single(r => r.Role == MetricRole.Reply);
        // 19 of 20 = 95.0%; the average of 50% and 100% would be 75.0%.
        Assert.Equal(0.95, row.LastWeek!.Value, 12);
        Assert.Equal(0.90, row.WeekBefore!.Value, 12);
        Assert.Equal(5.0, row.Change);
        Assert.Equal(WeekTrend.Better, row.Trend);
        Assert.Equal("↑ 5.0 个百分点", WeekOverWeek.ChangeText(new Lang(false), row));
        Assert.Equal("↑ 5.0 pp", WeekOverWeek.ChangeText(new Lang(true), row));
        Assert.Equal("95.0%", WeekOverWeek.ValueText(new Lang(false), row.Metric, row.LastWeek));
    }

    [Fact]
    public void Each_role_is_good_or_bad_in_its_own_direction()
    {
        var rows = WeekOverWeek.Compare(Roles, Fortnight(), Today).Rows.ToDictionary(r => r.Role);
        var zh = new Lang(false);

        // Reply time: 1,540 s over 20 = 77.0 s against 94.0 s: 17 seconds faster is better; over a minute in 分/秒.
        Assert.Equal((77.0, 94.0), (rows[MetricRole.ReplyTime].LastWeek!.Value, rows[MetricRole.ReplyTime].WeekBefore!.Value));
        Assert.Equal("↓ 17.0秒", WeekOverWeek.ChangeText(zh, rows[MetricRole.ReplyTime]));
        Assert.Equal("↓ 17.0 s", WeekOverWeek.ChangeText(new Lang(true), rows[MetricRole.ReplyTime]));
        Assert.Equal(WeekTrend.Better, rows[MetricRole.ReplyTime].Trend);
        Assert.Equal("1分17秒", WeekOverWeek.ValueText(zh, rows[MetricRole.ReplyTime].Metric, rows[MetricRole.ReplyTime].LastWeek));
        Assert.Equal("45.5秒", WeekOverWeek.ValueText(zh, rows[MetricRole.ReplyTime].Metric, 45.46));

        // Dissatisfied: 3 of 25 = 12.0% against 1 of 20 = 5.0%: up is worse.
        Assert.Equal("↑ 7.0 个百分点", WeekOverWeek.ChangeText(zh, rows[MetricRole.Dissatisfied]));
        Assert.Equal(WeekTrend.Worse, rows[MetricRole.Dissatisfied].Trend);

        // Unanswered: 0 against 2 (11-03's 50 and today's 5 are outside both weeks).
        Assert.Equal((0.0, 2.0), (rows[MetricRole.Unanswered].LastWeek!.Value, rows[MetricRole.Unanswered].WeekBefore!.Value));
        Assert.Equal("↓ 2", WeekOverWeek.ChangeText(zh, rows[MetricRole.Unanswered]));
        Assert.Equal(WeekTrend.Better, rows[MetricRole.Unanswered].Trend);
    }

    [Fact]
    public void A_week_without_data_shows_a_dash_and_says_there_is_not_enough()
    {
        var rows = WeekOverWeek.Compare(Roles, Fortnight(), Today).Rows.ToDictionary(r => r.Role);
        var good = rows[MetricRole.Satisfied];
        Assert.Equal(0.80, good.LastWeek!.Value, 12);
        Assert.Null(good.WeekBefore);
        Assert.Equal(WeekTrend.NoData, good.Trend);
        Assert.Equal("—", WeekOverWeek.ValueText(new Lang(false), good.Metric, good.WeekBefore));
        Assert.Equal("数据不足", WeekOverWeek.ChangeText(new Lang(false), good));
        Assert.Equal("not enough data", WeekOverWeek.ChangeText(new Lang(true), good));

        // A count has no data when nothing at all was counted that week, not when it counted zero.
        var empty = WeekOverWeek.Compare(Roles, [Day("2026-11-12", Rate(Reply, 1, 1), Count(Unanswered, 0))], Today).Rows.ToDictionary(r => r.Role);
        Assert.Equal(0.0, empty[MetricRole.Unanswered].LastWeek);
        Assert.Null(empty[MetricRole.Unanswered].WeekBefore);
        Assert.Equal("数据不足", WeekOverWeek.ChangeText(new Lang(false), empty[MetricRole.Unanswered]));
    }

    [Theory]
    [InlineData(0.9500, 0.9496, "持平", WeekTrend.Same)] // 0.04 points: "0.0" would read as a change
    [InlineData(0.9000, 0.9130, "↓ 1.3 个百分点", WeekTrend.Worse)]
    public void A_change_too_small_to_print_is_no_change(double last, double before, string text, WeekTrend trend)
    {
        var row = new WeekRow(MetricRole.Reply, Reply, last, before);
        Assert.Equal(text, WeekOverWeek.ChangeText(new Lang(false), row));
        Assert.Equal(trend, row.Trend);
    }

    [Theory]
    [InlineData(200.0, 70.0, "↑ 2分10秒", "↑ 2 min 10 s")]
    [InlineData(70.0, 200.0, "↓ 2分10秒", "↓ 2 min 10 s")]
    [InlineData(35.44, 35.0, "↑ 0.4秒", "↑ 0.4 s")]
    public void A_time_change_reads_in_seconds_or_minutes(double last, double before, string zh, string en)
    {
        var row = new WeekRow(MetricRole.ReplyTime, Time, last, before);
        Assert.Equal(zh, WeekOverWeek.ChangeText(new Lang(false), row));
        Assert.Equal(en, WeekOverWeek.ChangeText(new Lang(true), row));
        Assert.Equal(last > before ? WeekTrend.Worse : WeekTrend.Better, row.Trend);
    }

    /// <summary>On <paramref name="day"/> from 10:00, one customer every 10 minutes: the first <paramref name="onTime"/> answered by a1 in 60 s, the rest by a2 in 400 s.</summary>
    private static IEnumerable<ChatEvent> Chats(string day, int customers, int onTime)
    {
        var start = DateTimeOffset.Parse($"{day}T10:00:00+08:00", CultureInfo.InvariantCulture);
        for (var i = 0; i < customers; i++)
        {
            var c = $"{day}-c{i}";
            var at = start.AddMinutes(i * 10);
            var late = i >= onTime;
            yield return new ChatEvent { Type = EventType.Message, Id = c + "-q", Shop = "t", Conversation = c, Customer = "u" + i, Sender = Sender.Customer, Kind = MessageKind.Text, Text = "在吗", At = at };
            yield return new ChatEvent { Type = EventType.Message, Id = c + "-r", Shop = "t", Conversation = c, Sender = Sender.Agent, Agent = late ? "a2" : "a1", Kind = MessageKind.Text, Text = "在的", At = at.AddSeconds(late ? 400 : 60) };
        }
    }

    private async Task<IRenderedComponent<Overview>> Render(bool english)
    {
        // The week before: 9 of 10 on time; the last week: 1 of 2, then 18 of 18; today 0 of 3 (left out).
        await Store(Chats("2026-11-04", 10, 9).Concat(Chats("2026-11-11", 2, 1)).Concat(Chats("2026-11-12", 18, 18)).Concat(Chats("2026-11-18", 3, 0)));
        Services.AddSingleton<OverviewCache>();
        await SignIn(KefuScore.App.Storage.Roles.Admin, new DateTimeOffset(2026, 11, 18, 20, 0, 0, TimeSpan.FromHours(8)));
        var cut = Render<Overview>(p => p.Add(x => x.ShopId, "t").AddCascadingValue(new Lang(english)));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#week-over-week")), TimeSpan.FromSeconds(10));
        return cut;
    }

    private static string[] Cells(IRenderedComponent<Overview> cut, string metric) =>
        cut.FindAll($"#week-over-week tr[data-metric={metric}] td").Select(td => td.TextContent).ToArray();

    [Fact]
    public async Task The_overview_compares_the_weeks_in_chinese()
    {
        var cut = await Render(english: false);
        Assert.Equal("近7天（11-11 至 11-17）对比前7天（11-04 至 11-10），不含今天", cut.Find("#week-range").TextContent);
        Assert.Equal(["95.0%", "90.0%", "↑ 5.0 个百分点（变好）"], Cells(cut, "reply_rate_3min"));
        // 19 × 60 s + 400 s over 20 replies against 9 × 60 s + 400 s over 10.
        Assert.Equal(["1分17秒", "1分34秒", "↓ 17.0秒（变好）"], Cells(cut, "avg_reply_seconds"));
        Assert.Equal(["0", "0", "持平"], Cells(cut, "unanswered"));
        var reply = cut.Find("#week-over-week tr[data-metric=reply_rate_3min] td[data-trend]");
        Assert.Equal("better", reply.GetAttribute("data-trend"));
        Assert.Contains(VerdictColours.Pass, reply.GetAttribute("style"), StringComparison.Ordinal);
        // No ratings in either week.
        var dissatisfied = cut.FindAll("#week-over-week tr[data-metric=dissatisfaction_rate] td").Select(td => td.TextContent);
        Assert.Equal(["—", "—", "数据不足"], dissatisfied);
        Assert.Equal("nodata", cut.Find("#week-over-week tr[data-metric=dissatisfaction_rate] td[data-trend]").GetAttribute("data-trend"));
    }

    [Fact]
    public async Task The_overview_compares_the_weeks_in_english()
    {
        var cut = await Render(english: true);
        Assert.Equal("Last 7 days (11-11 to 11-17) against the 7 before (11-04 to 11-10), today left out", cut.Find("#week-range").TextContent);
        Assert.Equal(["95.0%", "90.0%", "↑ 5.0 pp (better)"], Cells(cut, "reply_rate_3min"));
        Assert.Equal(["1 min 17 s", "1 min 34 s", "↓ 17.0 s (better)"], Cells(cut, "avg_reply_seconds"));
        Assert.Equal(["—", "—", "not enough data"], Cells(cut, "dissatisfaction_rate"));
        Assert.Contains("Week over week", cut.Markup, StringComparison.Ordinal);
    }
}
