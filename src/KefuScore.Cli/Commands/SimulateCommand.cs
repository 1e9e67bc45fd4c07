using KefuScore.App.Reading;
using System.CommandLine;
using KefuScore.App.Writing;
using KefuScore.Engine.Simulation;

namespace KefuScore.Cli.Commands;

/// <summary><c>kefu simulate</c>: realistic synthetic events; the same seed gives the same file (SPEC §6).</summary>
internal static class SimulateCommand
{
    public static Command Create(CliOutput io)
    {
        var shops = new Option<int>("--shops") { Description = "Number of shops (s1…sN)", Required = true };
        var days = new Option<int>("--days") { Description = "Number of local days", Required = true };
        var seed = new Option<long>("--seed") { Description = "Random seed (default 1)", DefaultValueFactory = _ => 1 };
        var start = new Option<string?>("--start") { Description = "First local date, YYYY-MM-DD (default 2026-11-01)" };
        var agents = new Option<int>("--agents") { Description = "Agents per shop (default 6)", DefaultValueFactory = _ => 6 };
        var festival = new Option<bool>("--festival") { Description = "Spring Festival surge on festival days (more traffic, fewer agents)" };
        var output = new Option<string>("--out", "-o") { Description = "Output file: .jsonl or .csv", Required = true };
        var command = new Command("simulate", "Write realistic synthetic events (traffic curves, bursts, shifts, bots at night, ratings, reviews, after-sales, shipments)")
        {
            shops, days, seed, start, agents, festival, output,
        };
        command.SetAction(parse =>
        {
            var options = new SimulationOptions
            {
                Shops = parse.GetValue(shops), Days = parse.GetValue(days), Seed = parse.GetValue(seed),
                Start = Inputs.Date(parse.GetValue(start), "--start") ?? new DateOnly(2026, 11, 1),
                AgentsPerShop = parse.GetValue(agents), Festival = parse.GetValue(festival),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new CliException($"--{e.ParamName?.ToLowerInvariant()}: {e.Message.Split(" (Parameter")[0]}");
            }
            var path = parse.GetValue(output)!;
            long written;
            try
            {
                written = Progress.Run(io, "生成事件 simulating", p =>
                    EventWriter.Write(path, Counting(Simulator.Generate(options), p)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new CliException($"--out {path}: {e.Message}");
            }
            io.Error.WriteLine($"kefu: wrote {written:N0} events for {options.Shops} shop(s) × {options.Days} day(s) to {path}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static IEnumerable<T> Counting<T>(IEnumerable<T> items, IProgress<long> progress)
    {
        long n = 0;
        foreach (var item in items)
        {
            if ((++n & 0xFFFF) == 0) progress.Report(n);
            yield return item;
        }
    }
}
