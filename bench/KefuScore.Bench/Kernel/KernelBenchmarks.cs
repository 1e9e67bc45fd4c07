using System.Globalization;
using BenchmarkDotNet.Attributes;
using KefuScore.App.Profiles;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Simulation;

namespace KefuScore.Bench.Kernel;

/// <summary>
/// The engine kernel without any I/O: the fold over pre-generated events (in order, and shuffled within
/// 10-minute blocks) into a rollup under the built-in <c>douyin</c> profile, and the parser over pre-filled
/// raw records. Every benchmark handles the same <see cref="EventCount"/> events per operation.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
[Config(typeof(KernelConfig))]
public class KernelBenchmarks
{
    public static readonly SimulationOptions Simulation = new() { Shops = 20, Days = 7, Seed = 1 };

    private static readonly Lazy<int> Count = new(() => Simulator.Generate(Simulation).Count());

    /// <summary>Events per operation (the simulator is deterministic, so the host can count them too).</summary>
    public static int EventCount => Count.Value;

    private CompiledProfile _profile = null!;
    private List<ChatEvent> _inOrder = null!;
    private List<ChatEvent> _shuffled = null!;
    private RawEvent[] _raws = null!;

    [GlobalSetup]
    public void Setup()
    {
        _profile = ProfileCatalog.Compile("douyin");
        _inOrder = Simulator.Generate(Simulation).ToList();
        _shuffled = BlockShuffle.Shuffle(_inOrder, seed: 7).ToList();
        _raws = _inOrder.Select(RawFill.From).ToArray();
        var failed = _raws.Count(r => EventParser.Parse(r, out _) is null);
        if (failed > 0) throw new InvalidOperationException($"{failed} pre-filled raw events do not parse");
        Console.WriteLine($"// {_inOrder.Count:N0} events per operation");
    }

    [Benchmark(Baseline = true, Description = "MetricFold in order")]
    public Rollup FoldInOrder() => Folding.Fold(_profile, _inOrder, FoldOptions.Streaming, out _);

    [Benchmark(Description = "MetricFold shuffled in 10-min blocks")]
    public Rollup FoldShuffled() => Folding.Fold(_profile, _shuffled, FoldOptions.Streaming, out _);

    [Benchmark(Description = "EventParser.Parse")]
    public int Parse()
    {
        var ok = 0;
        foreach (var raw in _raws)
            if (EventParser.Parse(raw, out _) is not null) ok++;
        return ok;
    }
}

/// <summary>Turns an event back into the text record a reader would have filled, for the parser benchmark.</summary>
public static class RawFill
{
    public static RawEvent From(ChatEvent e)
    {
        var aftersale = e.Type == EventType.Aftersale;
        return new RawEvent
        {
            Type = EventParser.TypeName(e.Type),
            Id = e.Id,
            Shop = e.Shop,
            At = e.At.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
            Conversation = e.Conversation,
            Customer = e.Customer,
            Sender = e.Sender == Sender.None ? null : Lower(e.Sender.ToString()),
            Agent = e.Agent,
            Kind = aftersale ? e.Category : e.Type == EventType.Message && e.Kind != MessageKind.Text ? Lower(e.Kind.ToString()) : null,
            Text = e.Text,
            Satisfaction = e.Satisfaction == Satisfaction.None ? null : Lower(e.Satisfaction.ToString()),
            Stars = e.Stars == 0 ? null : e.Stars.ToString(CultureInfo.InvariantCulture),
            Reason = e.Reason,
            Order = e.Order,
            Media = e.Media,
            Category = aftersale ? null : e.Category,
            Action = e.Action,
            Status = e.Status,
            Capacity = e.Capacity == 0 ? null : e.Capacity.ToString(CultureInfo.InvariantCulture),
        };
    }

#pragma warning disable CA1308 // the interchange format's words are lower case
    private static string Lower(string name) => name.ToLowerInvariant();
#pragma warning restore CA1308
}
