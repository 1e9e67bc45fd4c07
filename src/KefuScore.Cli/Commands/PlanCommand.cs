using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using KefuScore.Engine.Staffing;

namespace KefuScore.Cli.Commands;

/// <summary>
/// <c>kefu plan</c>: staffing (排班). <c>plan erlang</c> sizes one interval with Erlang C, or Erlang A when customers
/// give up (docs/staffing.md); <c>plan --input</c> (forecast, roster and gap from history) is not built yet.
/// </summary>
internal static partial class PlanCommand
{
    public static Command Create(CliOutput io) => new("plan", "Staffing: agents needed for a service-level target")
    {
        Erlang(io),
    };

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
