using KefuScore.App.Staffing;
using KefuScore.App.Yaml;
using KefuScore.Engine.Staffing;

namespace KefuScore.App.Tests.Staffing;

public sealed class RosterSolverTests
{
    private static int[] Flat(int agents, string from, string to)
    {
        var req = new int[96];
        for (var i = Interval(from); i < Interval(to); i++) req[i] = agents;
        return req;
    }

    private static int Interval(string hhmm) => (int.Parse(hhmm[..2], System.Globalization.CultureInfo.InvariantCulture) * 60 + int.Parse(hhmm[3..], System.Globalization.CultureInfo.InvariantCulture)) / 15;

    private static readonly ShiftTemplate EightHoursOnTheHour = new() { Id = "day", LengthMinutes = 480, Starts = [.. Enumerable.Range(0, 17).Select(h => h * 60)] };

    [Fact]
    public void A_flat_requirement_09_to_17_takes_three_eight_hour_shifts()
    {
        var roster = RosterSolver.Solve(Flat(3, "09:00", "17:00"), [EightHoursOnTheHour]);

        Assert.Equal(RosterStatus.Optimal, roster.Status);
        var shift = Assert.Single(roster.Shifts);
        Assert.Equal(new RosterShift("day", 540, 480, null, 0, 3), shift);
        Assert.Equal(24, roster.AgentHours);
        Assert.All(roster.Gap, g => Assert.Equal(0, g));
        Assert.Equal(3, roster.Coverage[Interval("09:00")]);
        Assert.Equal(3, roster.Coverage[Interval("16:45")]);
        Assert.Equal(0, roster.Coverage[Interval("17:00")]);
    }

    [Fact]
    public void No_shift_runs_where_nobody_is_needed_when_an_equal_roster_avoids_it()
    {
        // Issue 16: the need ends at 19:00 and the plan staffed a 4-hour shift 17:30–21:30. Two agents 09:00–19:00 with
        // the default templates: every shift ends by 19:00 and none starts before 09:00.
        var roster = RosterSolver.Solve(Flat(2, "09:00", "19:00"), ShiftLoader.Default);

        Assert.All(roster.Gap, g => Assert.Equal(0, g));
        for (var i = 0; i < 96; i++)
            if (i < Interval("09:00") || i >= Interval("19:00")) Assert.Equal(0, roster.Coverage[i]);
        Assert.All(roster.Shifts, s => Assert.InRange(s.StartMinute, 540, 1140 - s.LengthMinutes));
    }

    [Fact]
    public void A_peak_is_covered_in_every_interval_with_the_fewest_hours_the_default_shifts_allow()
    {
        // 2 agents 08:00–22:00, 5 agents 10:00–12:00 and 20:00–22:00.
        var req = Flat(2, "08:00", "22:00");
        for (var i = Interval("10:00"); i < Interval("12:00"); i++) req[i] = 5;
        for (var i = Interval("20:00"); i < Interval("22:00"); i++) req[i] = 5;

        var roster = RosterSolver.Solve(req, ShiftLoader.Default);

        Assert.Equal(RosterStatus.Optimal, roster.Status);
        var coverage = ShiftRoster.CoverageOf(roster.Shifts); // recomputed from the shifts the roster lists
        for (var i = 0; i < 96; i++)
        {
            Assert.True(coverage[i] >= req[i], $"interval {i}: {coverage[i]} agents for {req[i]}");
            Assert.Equal(0, roster.Gap[i]);
        }
        // No roster can use less than the requirement's own 2 × 14 + 3 × 2 + 3 × 2 = 40 agent-hours; a roster by hand
        // with part-time shifts only (5 × 08–12, 2 × 12–16, 2 × 16–20, 5 × 18–22) takes 56. The optimum lies between.
        Assert.InRange(roster.AgentHours, 40, 56);
        Assert.Equal(roster.Shifts.Sum(s => s.Agents * s.LengthMinutes) / 60.0, roster.AgentHours);
    }

    /// <summary>
    /// Any requirement of 0–6 agents per quarter hour, in blocks: the default templates reach every interval of the
    /// day without limits, so the roster leaves no gap; the coverage recomputed from its shifts meets every interval;
    /// and it never uses less than the requirement's own agent-hours.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 15)]
    public bool Default_shifts_cover_any_requirement(FsCheck.NonEmptyArray<byte> blocks)
    {
        var req = new int[96];
        var values = blocks.Get;
        for (var i = 0; i < 96; i++) req[i] = values[i * values.Length / 96] % 7;
        var roster = RosterSolver.Solve(req, ShiftLoader.Default);
        var coverage = ShiftRoster.CoverageOf(roster.Shifts);
        for (var i = 0; i < 96; i++)
            if (coverage[i] < req[i] || roster.Gap[i] != 0) return false;
        return roster.AgentHours >= req.Sum() / 4.0;
    }

    [Fact]
    public void A_cap_on_agents_leaves_a_gap_that_is_reported_per_interval()
    {
        var capped = EightHoursOnTheHour with { MaxAgents = 2 };
        var roster = RosterSolver.Solve(Flat(3, "09:00", "17:00"), [capped]);

        Assert.Equal(2, roster.Shifts.Sum(s => s.Agents));
        for (var i = Interval("09:00"); i < Interval("17:00"); i++) Assert.Equal(1, roster.Gap[i]);
        Assert.Equal(32, roster.Gap.Sum());
        Assert.Equal(16, roster.AgentHours);
    }

    [Fact]
    public void Breaks_are_placed_inside_their_window_and_not_counted_as_cover()
    {
        // One agent must work 09:00–17:00 with a 1-hour break 3–5 h in (min_agents 1): 8 h of cover then needs one
        // 1-hour shift for the break, 9 agent-hours (eight 1-hour shifts alone would be 8, but min_agents rules them out).
        var withBreak = new ShiftTemplate { Id = "full", LengthMinutes = 480, BreakMinutes = 60, BreakEarliestMinutes = 180, BreakLatestMinutes = 300, Starts = [540], MinAgents = 1 };
        var cover = new ShiftTemplate { Id = "hour", LengthMinutes = 60, Starts = [.. Enumerable.Range(0, 24).Select(h => h * 60)] };
        var roster = RosterSolver.Solve(Flat(1, "09:00", "17:00"), [withBreak, cover]);

        Assert.Equal(9, roster.AgentHours);
        var full = roster.Shifts.Single(s => s.Template == "full");
        Assert.InRange(full.BreakStartMinute!.Value, 540 + 180, 540 + 300);
        var hour = roster.Shifts.Single(s => s.Template == "hour");
        Assert.Equal(full.BreakStartMinute, hour.StartMinute);
        Assert.All(roster.Gap, g => Assert.Equal(0, g));
    }

    [Fact]
    public void Templates_load_from_yaml_with_ranges_of_start_times()
    {
        var templates = ShiftLoader.Parse("""
            shifts:
              - id: full
                length: 8h
                break: 1h
                break_after: 3h
                break_before: 4h30m
                starts: ["08:00-10:00/30m", "14:00"]
                max_agents: 12
            """, "shifts.yaml");

        var t = Assert.Single(templates);
        Assert.Equal([480, 510, 540, 570, 600, 840], t.Starts);
        Assert.Equal(480, t.LengthMinutes);
        Assert.Equal((60, 180, 270), (t.BreakMinutes, t.BreakEarliestMinutes, t.BreakLatestMinutes));
        Assert.Equal(12, t.MaxAgents);
        Assert.Equal([180, 195, 210, 225, 240, 255, 270], t.BreakOffsets());
    }

    [Fact]
    public void Bad_templates_are_refused_naming_file_line_and_field()
    {
        var e = Assert.Throws<YamlFileException>(() => ShiftLoader.Parse("""
            shifts:
              - id: late
                length: 8h
                starts: ["18:00", "9am"]
                colour: red
            """, "shifts.yaml"));

        var message = e.Message;
        Assert.Contains("shifts.yaml", message);
        Assert.Contains("shifts[0].starts", message);
        Assert.Contains("'9am' is not a time", message);
        Assert.Contains("18:00 is not on a quarter hour or the shift would run past 24:00", message);
        Assert.Contains("shifts[0].colour (line 5)", message);
    }
}
