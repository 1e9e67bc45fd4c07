using System.Globalization;

namespace KefuScore.Bench;

/// <summary>The few command-line options the bench modes take: --events N, --file PATH, --out PATH, --repeat N, --keep.</summary>
public sealed class Options
{
    public long Events { get; private set; }
    public string? File { get; private set; }
    public string? Out { get; private set; }
    public int Repeat { get; private set; } = 3;
    public bool Keep { get; private set; }

    public static Options Parse(IReadOnlyList<string> args)
    {
        var o = new Options();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--events": o.Events = long.Parse(Value().Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture); break;
                case "--file": o.File = Value(); break;
                case "--out": o.Out = Value(); break;
                case "--repeat": o.Repeat = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--keep": o.Keep = true; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        return o;
    }
}
