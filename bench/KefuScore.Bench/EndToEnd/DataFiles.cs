using KefuScore.App.Reading;
using KefuScore.App.Writing;
using KefuScore.Engine.Events;
using KefuScore.Engine.Simulation;

namespace KefuScore.Bench.EndToEnd;

/// <summary>The CSV files the comparison runs on: simulated events, and the same events shuffled within 10-minute blocks.</summary>
public static class DataFiles
{
    /// <summary>Writes at least <paramref name="events"/> simulated events (whole days of 100 shops); returns how many.</summary>
    public static long WriteSimulated(string path, long events)
    {
        var options = MemoryCommand.SimulationFor(events);
        while (true)
        {
            var written = EventWriter.Write(path, Simulator.Generate(options));
            Console.Error.WriteLine($"wrote {written:N0} events ({options.Shops} shops x {options.Days} days) to {path}");
            if (written >= events) return written;
            options = options with { Days = options.Days + 1 };
        }
    }

    /// <summary>Reads <paramref name="source"/> (in time order), shuffles within 10-minute blocks and writes <paramref name="path"/>.</summary>
    public static long WriteShuffled(string source, string path)
    {
        var events = EventFiles.Read(source).Select(i => i.Event).OfType<ChatEvent>();
        var written = EventWriter.Write(path, BlockShuffle.Shuffle(events, seed: 7));
        Console.Error.WriteLine($"wrote {written:N0} events shuffled within 10-minute blocks to {path}");
        return written;
    }
}
