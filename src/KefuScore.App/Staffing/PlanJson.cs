using System.Text.Json;
using KefuScore.App.Reports;
using KefuScore.Engine.Staffing;

namespace KefuScore.App.Staffing;

/// <summary>The JSON of <c>kefu plan</c> and <c>GET /api/v1/shops/{shop}/plan</c>: a contract (docs/staffing.md).</summary>
public static class PlanJson
{
    public static void Write(Stream output, StaffingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var w = new Utf8JsonWriter(output, ReportJson.Options);
        w.WriteStartObject();
        if (plan.Shop is not null) w.WriteString("shop", plan.Shop);
        w.WriteString("date", plan.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("profile", plan.Profile);

        w.WriteStartObject("target");
        w.WriteString("metric", plan.Target.Metric);
        w.WriteNumber("share", plan.Target.Share);
        w.WriteNumber("within_seconds", plan.Target.WithinSeconds);
        w.WriteString("hours", plan.Target.Hours.ToString());
        w.WriteEndObject();

        w.WriteStartObject("model");
        w.WriteNumber("handle_seconds", Math.Round(plan.HandleSeconds, 1));
        w.WriteString("handle_source", plan.HandleSource);
        w.WriteNumber("concurrency", plan.Concurrency);
        w.WriteNumber("shrinkage", plan.Shrinkage);
        w.WriteNumber("max_occupancy", plan.MaxOccupancy);
        w.WriteNumber("follow_ups", Math.Round(plan.FollowUps, 3));
        w.WriteNumber("follow_up_reply_seconds", Math.Round(plan.FollowUpReplySeconds, 1));
        w.WriteEndObject();

        var f = plan.Forecast;
        w.WriteStartObject("forecast");
        w.WriteNumber("total", Math.Round(f.Total, 2));
        w.WriteNumber("level", Math.Round(f.Level, 2));
        w.WriteNumber("trend_per_day", Math.Round(f.Trend, 3));
        w.WriteNumber("weekday_factor", Math.Round(f.WeekdayFactor, 4));
        w.WriteNumber("uplift", Math.Round(f.Uplift, 4));
        w.WriteString("uplift_source", f.UpliftSource.ToString().ToLowerInvariant());
        w.WriteString("uplift_note", f.UpliftNote);
        w.WriteNumber("fit_days", f.FitDays);
        if (f.Backtest is { } b)
        {
            w.WriteStartObject("backtest");
            w.WriteNumber("wape", Math.Round(b.Wape, 4));
            w.WriteNumber("daily_mape", Math.Round(b.DailyMape, 4));
            w.WriteStartArray("days");
            foreach (var d in b.Days)
            {
                w.WriteStartObject();
                w.WriteString("date", d.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteNumber("actual", d.Actual);
                w.WriteNumber("forecast", Math.Round(d.Forecast, 2));
                w.WriteNumber("wape", Math.Round(d.Wape, 4));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        else w.WriteNull("backtest");
        w.WriteEndObject();

        w.WriteStartArray("intervals");
        foreach (var i in plan.Intervals)
        {
            w.WriteStartObject();
            w.WriteString("start", i.Start);
            w.WriteNumber("forecast", Math.Round(i.Forecast, 2));
            w.WriteNumber("raw_agents", i.RawAgents);
            w.WriteNumber("agents", i.Agents);
            w.WriteNumber("added_by_replay", i.Added);
            w.WriteNumber("rostered", i.Rostered);
            w.WriteNumber("gap", i.Gap);
            w.WriteBoolean("below_target", i.BelowLine);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("roster");
        w.WriteString("status", plan.Roster.Status.ToString().ToLowerInvariant());
        w.WriteNumber("agent_hours", plan.Roster.AgentHours);
        w.WriteStartArray("shifts");
        foreach (var s in plan.Roster.Shifts)
        {
            w.WriteStartObject();
            w.WriteString("template", s.Template);
            w.WriteString("start", Clock(s.StartMinute));
            w.WriteString("end", Clock(s.StartMinute + s.LengthMinutes));
            if (s.BreakStartMinute is { } bs)
            {
                w.WriteString("break_start", Clock(bs));
                w.WriteString("break_end", Clock(bs + s.BreakMinutes));
            }
            w.WriteNumber("agents", s.Agents);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartObject("gap");
        w.WriteNumber("agent_intervals", plan.Roster.Gap.Sum());
        w.WriteNumber("intervals", plan.Roster.Gap.Count(g => g > 0));
        w.WriteEndObject();

        w.WriteStartObject("simulation");
        w.WriteNumber("replays", plan.Replays);
        w.WriteNumber("consultations", plan.Replay.Consultations);
        w.WriteNumber("messages", plan.Replay.Counted);
        if (plan.Replay.Rate is { } rate) w.WriteNumber("rate", Math.Round(rate, 4));
        else w.WriteNull("rate");
        w.WriteBoolean("meets_target", plan.MeetsTarget);
        w.WriteStartArray("hours");
        foreach (var h in plan.Replay.Hours.Where(h => h.Counted > 0))
        {
            w.WriteStartObject();
            w.WriteString("hour", $"{h.Hour:00}:00");
            w.WriteNumber("rate", Math.Round(h.Rate!.Value, 4));
            w.WriteNumber("messages", h.Counted);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string Clock(int minute) => $"{minute / 60:00}:{minute % 60:00}";
}
