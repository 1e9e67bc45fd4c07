using System.Globalization;
using System.Text;
using System.Text.Json;
using KefuScore.App.Tests.Reading;
using KefuScore.Engine.Staffing;

namespace KefuScore.App.Tests.Cli;

/// <summary><c>kefu plan --input</c> over a generated history whose forecast is known exactly.</summary>
public sealed class PlanFromHistoryTests : IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>
    /// Three weeks (2026-11-02..22): every day a consultation every 10 minutes from 09:00 to 18:50, answered 60 s after
    /// it starts and last replied 240 s after it starts. So every 15 minutes holds 2 or 1 consultations in turn
    /// (09:00 and 09:10, then 09:20). The agent holds each from the first reply to the last (180 s) plus one reply's
    /// writing time (30 s without follow-ups): 210 s; the 60 s wait before the first reply is queueing, not handling.
    /// </summary>
    private string History()
    {
        var text = new StringBuilder();
        var n = 0;
        for (var day = new DateOnly(2026, 11, 2); day <= new DateOnly(2026, 11, 22); day = day.AddDays(1))
            for (var minute = 9 * 60; minute < 19 * 60; minute += 10)
            {
                n++;
                var start = day.ToDateTime(new TimeOnly(minute / 60, minute % 60));
                string At(int seconds) => start.AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "+08:00";
                text.AppendLine($$"""{"type":"message","id":"m{{n}}a","shop":"s1","conversation":"c{{n}}","customer":"u{{n}}","sender":"customer","at":"{{At(0)}}","text":"在吗?"}""");
                text.AppendLine($$"""{"type":"message","id":"m{{n}}b","shop":"s1","conversation":"c{{n}}","sender":"agent","agent":"a1","at":"{{At(60)}}","text":"您好,在的"}""");
                text.AppendLine($$"""{"type":"message","id":"m{{n}}c","shop":"s1","conversation":"c{{n}}","sender":"agent","agent":"a1","at":"{{At(240)}}","text":"好的"}""");
            }
        return _dir.WriteText("history.jsonl", text.ToString());
    }

    [Fact]
    public void Forecast_requirement_roster_gap_and_replay_in_one_json()
    {
        var (exit, stdout, stderr) = KefuCli.Run("plan", "--input", History(), "--date", "2026-11-23", "--target", "reply_rate_3min=0.97", "--format", "json");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("2026-11-23", root.GetProperty("date").GetString());
        Assert.Equal(180, root.GetProperty("target").GetProperty("within_seconds").GetDouble());
        Assert.Equal("09:00-19:00", root.GetProperty("target").GetProperty("hours").GetString());
        Assert.Equal(210, root.GetProperty("model").GetProperty("handle_seconds").GetDouble());
        Assert.Equal(1, root.GetProperty("model").GetProperty("concurrency").GetInt32()); // a1 never holds two at once

        var forecast = root.GetProperty("forecast");
        Assert.Equal(60, forecast.GetProperty("total").GetDouble(), 6);
        Assert.Equal(0, forecast.GetProperty("backtest").GetProperty("wape").GetDouble());

        // Erlang C for 2 and for 1 consultations in 15 minutes at 210 s, 97% within 180 s.
        var target = new StaffingTarget { WithinSeconds = 180, ServiceLevel = 0.97 };
        var forTwo = StaffingRequirement.For(new Workload(2, 900, 210), target).Agents;
        var forOne = StaffingRequirement.For(new Workload(1, 900, 210), target).Agents;
        var intervals = root.GetProperty("intervals");
        Assert.Equal(96, intervals.GetArrayLength());
        var nine = intervals[36];
        Assert.Equal("09:00", nine.GetProperty("start").GetString());
        Assert.Equal(2, nine.GetProperty("forecast").GetDouble(), 6);
        Assert.Equal(forTwo, nine.GetProperty("agents").GetInt32() - nine.GetProperty("added_by_replay").GetInt32());
        Assert.Equal(1, intervals[37].GetProperty("forecast").GetDouble(), 6);
        Assert.Equal(forOne, intervals[37].GetProperty("agents").GetInt32() - intervals[37].GetProperty("added_by_replay").GetInt32());
        Assert.Equal(0, intervals[20].GetProperty("agents").GetInt32()); // 05:00, nobody comes

        // The roster covers every interval it claims to, and the gap says so.
        foreach (var i in intervals.EnumerateArray())
            Assert.Equal(Math.Max(0, i.GetProperty("agents").GetInt32() - i.GetProperty("rostered").GetInt32()), i.GetProperty("gap").GetInt32());
        Assert.Equal(0, root.GetProperty("gap").GetProperty("agent_intervals").GetInt32());
        Assert.Equal("optimal", root.GetProperty("roster").GetProperty("status").GetString());
        Assert.True(root.GetProperty("roster").GetProperty("agent_hours").GetDouble() >= 10); // someone is there 09:00–19:00

        var simulation = root.GetProperty("simulation");
        Assert.True(simulation.GetProperty("meets_target").GetBoolean());
        Assert.True(simulation.GetProperty("rate").GetDouble() >= 0.97);
        Assert.Equal(10, simulation.GetProperty("hours").GetArrayLength()); // 09:00..18:00 counted
    }

    [Fact]
    public void Uplift_and_the_table()
    {
        var (exit, stdout, stderr) = KefuCli.Run("plan", "--input", History(), "--date", "2026-11-23", "--uplift", "2", "--format", "table");
        Assert.True(exit == 0, stderr);
        Assert.Contains("120 consultations", stdout, StringComparison.Ordinal);
        Assert.Contains("set by the user: × 2", stdout, StringComparison.Ordinal);
        Assert.Contains("meets the target 达标", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--target", "satisfaction_rate=0.9", "--target: 'satisfaction_rate' is not a reply-within metric of profile douyin")]
    [InlineData("--target", "reply_rate_3min=97", "--target: the share 97 must be strictly between 0 and 1")]
    [InlineData("--date", "2026-11-03", "not enough history")]
    public void Bad_options_exit_2_with_the_reason(string option, string value, string message)
    {
        var args = new List<string> { "plan", "--input", History(), "--date", "2026-11-23", "--format", "json" };
        var at = args.IndexOf(option);
        if (at >= 0) args[at + 1] = value;
        else args.AddRange([option, value]);
        var (exit, _, stderr) = KefuCli.Run([.. args]);
        Assert.Equal(2, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_shift_file_names_the_file_and_field()
    {
        var shifts = _dir.WriteText("shifts.yaml", "shifts:\n  - id: x\n    length: 9x\n    starts: [\"09:00\"]\n");
        var (exit, _, stderr) = KefuCli.Run("plan", "--input", History(), "--date", "2026-11-23", "--shifts", shifts);
        Assert.Equal(2, exit);
        Assert.Contains("shifts.yaml", stderr, StringComparison.Ordinal);
        Assert.Contains("shifts[0].length (line 3)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_shops_need_a_choice()
    {
        var two = _dir.WriteText("two.jsonl", File.ReadAllText(History()) + File.ReadAllText(History()).Replace("\"shop\":\"s1\"", "\"shop\":\"s2\"", StringComparison.Ordinal));
        var (exit, _, stderr) = KefuCli.Run("plan", "--input", two, "--date", "2026-11-23", "--format", "json");
        Assert.Equal(2, exit);
        Assert.Contains("--shop: the files hold 2 shops (s1, s2); plan one with --shop", stderr, StringComparison.Ordinal);

        var (ok, stdout, _) = KefuCli.Run("plan", "--input", two, "--date", "2026-11-23", "--shop", "s2", "--format", "json");
        Assert.Equal(0, ok);
        Assert.Equal("s2", System.Text.Json.JsonDocument.Parse(stdout).RootElement.GetProperty("shop").GetString());
        Assert.Contains("\"total\": 60,", stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
