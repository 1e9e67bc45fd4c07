using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using KefuScore.App.Staffing;
using KefuScore.App.Yaml;
using KefuScore.Engine.Staffing;

namespace KefuScore.Cli.Commands;

/// <summary>
/// <c>kefu plan</c>: staffing (排班). <c>plan erlang</c> sizes one interval with Erlang C, or Erlang A when customers
/// give up (docs/staffing.md); <c>plan --input</c> forecasts a date from history, sizes every 15 minutes, covers
/// them with shifts and replays the day against the roster.
/// </summary>
internal static partial class PlanCommand
{
    public static Command Create(CliOutput io)
    {
        var input = new Option<string[]>("--input", "-i") { Description = "Event file(s) with the shop's history (.jsonl, .csv, .xlsx, .parquet)" };
        var date = new Option<string?>("--date") { Description = "Local date to plan, YYYY-MM-DD" };
        var target = new Option<string>("--target") { Description = "A reply-within metric and share, e.g. reply_rate_3min=0.97", DefaultValueFactory = _ => "reply_rate_3min=0.97" };
        var profile = new Option<string?>("--profile", "-p") { Description = "Built-in profile id or a YAML file (default: douyin)" };
        var shifts = new Option<string?>("--shifts") { Description = "Shift templates (YAML, docs/staffing.md); default: 8 h with a 1 h break, and 4 h" };
        var uplift = new Option<double?>("--uplift") { Description = "Traffic factor for the date (e.g. 1.8); default: learned from last year's festival when the date is in one" };
        var shrinkage = new Option<double>("--shrinkage") { Description = "Share of scheduled time away from the queue, in [0, 1) (default 0)" };
        var maxOccupancy = new Option<double>("--max-occupancy") { Description = "Highest acceptable occupancy, in (0, 1] (default 1: no cap)", DefaultValueFactory = _ => 1.0 };
        var concurrency = new Option<int?>("--concurrency") { Description = "Chats one agent serves at once (default: what agents held at once in the history)" };
        var handle = new Option<string?>("--handle") { Description = "Handle time of one consultation, e.g. 240s (default: estimated from the history)" };
        var allDay = new Option<bool>("--all-day") { Description = "Staff every interval, not only the target metric's assessment hours" };
        var shop = new Option<string?>("--shop") { Description = "The shop to plan when the files hold several" };
        var map = Inputs.MapOption();
        var format = Formats.Option("json", "table");
        var command = new Command("plan", "Staffing: forecast a date from history, agents per 15 minutes, shifts and the gap; or size one interval (plan erlang)")
        {
            Erlang(io), input, date, target, profile, shifts, uplift, shrinkage, maxOccupancy, concurrency, handle, allDay, shop, map, format,
        };
        command.SetAction(parse =>
        {
            var files = Inputs.Files(parse.GetValue(input));
            var day = Inputs.Date(parse.GetValue(date), "--date") ?? throw new CliException("--date: the date to plan is required, e.g. --date 2027-02-01");
            var compiled = Inputs.Profile(parse.GetValue(profile));
            IReadOnlyList<ShiftTemplate>? templates = null;
            if (parse.GetValue(shifts) is { } shiftsFile)
            {
                try
                {
                    templates = ShiftLoader.Load(shiftsFile);
                }
                catch (YamlFileException e)
                {
                    throw new CliException(e.Message);
                }
            }
            var mapping = Inputs.Mapping(parse.GetValue(map));
            var shopId = parse.GetValue(shop);
            var rejected = 0;
            var history = Inputs.Guard(() => ConsultationHistory.From(
                Inputs.Read(files, mapping).Where(r => { if (r.Rejected is not null) rejected++; return r.Event is not null; }).Select(r => r.Event!),
                compiled.Zone, shopId));
            if (shopId is null && history.Shops.Count > 1)
                throw new CliException($"--shop: the files hold {history.Shops.Count} shops ({string.Join(", ", history.Shops.Take(5))}{(history.Shops.Count > 5 ? ", …" : "")}); plan one with --shop");
            if (rejected > 0) io.Error.WriteLine($"kefu: {rejected} input lines were rejected and left out of the history (kefu report lists them)");
            var request = new PlanRequest
            {
                Date = day, Target = parse.GetValue(target) ?? "reply_rate_3min=0.97", Uplift = parse.GetValue(uplift),
                Shrinkage = parse.GetValue(shrinkage), MaxOccupancy = parse.GetValue(maxOccupancy), Concurrency = parse.GetValue(concurrency),
                HandleSeconds = parse.GetValue(handle) is { } h ? Duration(h, "--handle") : null, AllDay = parse.GetValue(allDay), Shifts = templates,
            };
            StaffingPlan plan;
            try
            {
                plan = StaffingPlanner.Plan(history, compiled, request, shopId);
            }
            catch (PlanException e)
            {
                throw new CliException($"--{e.Field}: {e.Reason}");
            }
            if (Formats.Resolve(parse.GetValue(format), io) == "json") KefuScore.Cli.Commands.Json.Emit(io, stream => PlanJson.Write(stream, plan));
            else PlanTable(io.Out, plan);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void PlanTable(TextWriter o, StaffingPlan plan)
    {
        var f = plan.Forecast;
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine($"排班计划 staffing plan  {plan.Date:yyyy-MM-dd}  {plan.Target.Metric} ≥ {Formats.Percent(plan.Target.Share)} (within {Seconds(plan.Target.WithinSeconds)}, hours {plan.Target.Hours})");
        o.WriteLine($"预测 forecast       {f.Total.ToString("0.#", inv)} consultations (level {f.Level.ToString("0.#", inv)}, weekday × {f.WeekdayFactor.ToString("0.###", inv)}, uplift × {f.Uplift.ToString("0.###", inv)}: {f.UpliftNote})");
        if (f.Backtest is { } b) o.WriteLine($"回测 held-back      last {b.Days.Count} days: WAPE {Formats.Percent(b.Wape)} per 15 min, daily MAPE {Formats.Percent(b.DailyMape)}");
        o.WriteLine($"模型 model          handle {Seconds(Math.Round(plan.HandleSeconds))} ({plan.HandleSource}), concurrency {plan.Concurrency}, shrinkage {Formats.Percent(plan.Shrinkage)}");
        o.WriteLine($"班次 roster         {plan.Roster.AgentHours.ToString("0.##", inv)} agent-hours ({plan.Roster.Status.ToString().ToLowerInvariant()}), gap {plan.Roster.Gap.Sum()} agent-intervals, {plan.ShortIntervals} intervals short of the target (roster or replay)");
        foreach (var s in plan.Roster.Shifts)
            o.WriteLine($"  {s.Agents,3} × {s.Template,-8} {Clock(s.StartMinute)}–{Clock(s.StartMinute + s.LengthMinutes)}" + (s.BreakStartMinute is { } bs ? $"  break {Clock(bs)}–{Clock(bs + s.BreakMinutes)}" : ""));
        o.WriteLine();
        // "时段" is two characters but four columns wide at a terminal: the header is padded by display width.
        o.WriteLine($"时段 hour {"consultations",14}  {"needed :00 :15 :30 :45",22}  {"rostered :00 :15 :30 :45",24}  {"gap",4}  {"expected rate",13}");
        for (var hour = 0; hour < 24; hour++)
        {
            var quarter = plan.Intervals.Skip(hour * 4).Take(4).ToList();
            var rate = plan.Replay.Hours[hour];
            if (quarter.Sum(i => i.Forecast) < 0.05 && quarter.All(i => i.Agents == 0 && i.Rostered == 0)) continue;
            var needed = string.Concat(quarter.Select(i => $"{i.Agents,4}"));
            var rostered = string.Concat(quarter.Select(i => $"{i.Rostered,4}"));
            o.WriteLine($"{hour:00}:00     {quarter.Sum(i => i.Forecast),14:0.0}  {needed,22}  {rostered,24}  {quarter.Sum(i => i.Gap),4}  {(rate.Counted == 0 ? "—" : Formats.Percent(rate.Rate)),13}");
        }
        o.WriteLine();
        o.WriteLine($"回放 replay         {Formats.Percent(plan.Replay.Rate)} over {plan.Replays} replays: {(plan.MeetsTarget ? "meets the target 达标" : "misses the target 未达标")}");
    }

    private static string Clock(int minute) => $"{minute / 60:00}:{minute % 60:00}";

    private static Command Erlang(CliOutput io)
    {
        var arrivals = new Option<double>("--arrivals") { Description = "Contacts arriving in the interval", Required = true };
        var interval = new Option<string>("--interval") { Description = "Interval length, e.g. 30m, 15m, 1h", Required = true };
        var handle = new Option<string>("--handle") { Description = "Average handling time of one contact, e.g. 180s, 3m", Required = true };
        var within = new Option<string>("--within") { Description = "Answer-time target, e.g. 20s, 3m", Required = true };
        var target = new Option<double>("--target") { Description = "Share to answer within --within, strictly between 0 and 1, e.g. 0.8", Required = true };
        var shrinkage = new Option<double>("--shrinkage") { Description = "Share of scheduled time away from the queue, in [0, 1) (default 0)" };
        var maxOccupancy = new Option<double>("--max-occupancy") { Description = "Highest acceptable occupancy, in (0, 1] (default 1: no cap)", DefaultValueFactory = _ => 1.0 };
        var concurrency = new Option<int>("--concurrency") { Description = "Chats one agent serves at once (default 1)", DefaultValueFactory = _ => 1 };
        var patience = new Option<string?>("--patience") { Description = "Mean customer patience, e.g. 120s: switches to Erlang A and reports abandonment" };
        var format = Formats.Option("json", "table");

        var command = new Command("erlang", "Agents for one interval: Erlang C (Erlang A with --patience), shrinkage, occupancy cap and chat concurrency")
        {
            arrivals, interval, handle, within, target, shrinkage, maxOccupancy, concurrency, patience, format,
        };
        command.SetAction(parse =>
        {
            var workload = new Workload(parse.GetValue(arrivals), Duration(parse.GetValue(interval), "--interval"), Duration(parse.GetValue(handle), "--handle"));
            var staffingTarget = new StaffingTarget
            {
                WithinSeconds = Duration(parse.GetValue(within), "--within"),
                ServiceLevel = parse.GetValue(target),
                Shrinkage = parse.GetValue(shrinkage),
                MaxOccupancy = parse.GetValue(maxOccupancy),
                Concurrency = parse.GetValue(concurrency),
                PatienceSeconds = parse.GetValue(patience) is { } p ? Duration(p, "--patience") : null,
            };
            StaffingRequirement plan;
            try
            {
                plan = StaffingRequirement.For(workload, staffingTarget);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new CliException($"{OptionOf(e.ParamName)}: {e.Message.Split(" (Parameter")[0]}");
            }
            if (Formats.Resolve(parse.GetValue(format), io) == "json") io.Out.WriteLine(Json(plan));
            else Table(io.Out, plan, staffingTarget);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// One line in the issue's shape: probabilities to 3 decimals, seconds to 2 (docs/staffing.md); the engine keeps
    /// full precision.
    /// </summary>
    public static string Json(StaffingRequirement plan)
    {
        var o = plan.Outcome;
        var json = $"{{\"raw_agents\": {plan.RawAgents}, \"agents\": {plan.Agents}, \"service_level\": {Round(o.ServiceLevel, 3)}, " +
                   $"\"asa_seconds\": {Round(o.AsaSeconds, 2)}, \"occupancy\": {Round(o.Occupancy, 3)}, \"wait_probability\": {Round(o.WaitProbability, 3)}";
        if (o.AbandonProbability is { } abandon) json += $", \"abandon_probability\": {Round(abandon, 3)}";
        return json + "}";
    }

    private static void Table(TextWriter output, StaffingRequirement plan, StaffingTarget target)
    {
        var o = plan.Outcome;
        var model = target.PatienceSeconds is { } p ? $"Erlang A, mean patience {Seconds(p)}" : "Erlang C";
        output.WriteLine($"offered load        {plan.Erlangs.ToString("0.00", CultureInfo.InvariantCulture)} Erlangs ({model})");
        output.WriteLine($"agents on queue     {plan.RawAgents}" + (target.Concurrency > 1 ? $" × {target.Concurrency} chats = {plan.Servers} servers" : ""));
        output.WriteLine($"agents to schedule  {plan.Agents} ({Formats.Percent(target.Shrinkage)} shrinkage)");
        output.WriteLine($"service level       {Formats.Percent(o.ServiceLevel)} within {Seconds(target.WithinSeconds)} (target {Formats.Percent(target.ServiceLevel)})");
        output.WriteLine($"average wait (ASA)  {Round(o.AsaSeconds, 2)} s");
        output.WriteLine($"occupancy           {Formats.Percent(o.Occupancy)}");
        output.WriteLine($"must wait           {Formats.Percent(o.WaitProbability)}");
        if (o.AbandonProbability is { } abandon) output.WriteLine($"give up             {Formats.Percent(abandon)}");
    }

    /// <summary>A duration with an s, m or h suffix: 20s, 3m, 1.5h.</summary>
    public static double Duration(string? text, string option)
    {
        var m = DurationPattern().Match(text ?? "");
        if (!m.Success) throw new CliException($"{option}: '{text}' is not a duration like 20s, 3m or 1h");
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return value * m.Groups[2].Value switch { "h" => 3600, "m" => 60, _ => 1 };
    }

    private static string OptionOf(string? parameter) => parameter switch
    {
        nameof(Workload.Arrivals) or "workload" => "--arrivals",
        nameof(Workload.IntervalSeconds) => "--interval",
        nameof(Workload.HandleSeconds) => "--handle",
        nameof(StaffingTarget.WithinSeconds) => "--within",
        nameof(StaffingTarget.ServiceLevel) => "--target",
        nameof(StaffingTarget.Shrinkage) => "--shrinkage",
        nameof(StaffingTarget.MaxOccupancy) => "--max-occupancy",
        nameof(StaffingTarget.Concurrency) => "--concurrency",
        nameof(StaffingTarget.PatienceSeconds) or "patienceSeconds" => "--patience",
        _ => "plan erlang",
    };

    private static string Round(double value, int decimals) => double.IsFinite(value)
        ? Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture)
        : "null";

    private static string Seconds(double seconds) => $"{seconds.ToString("0.##", CultureInfo.InvariantCulture)} s";

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*(s|m|h)\s*$")]
    private static partial Regex DurationPattern();
}
