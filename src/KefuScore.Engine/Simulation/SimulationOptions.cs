namespace KefuScore.Engine.Simulation;

/// <summary>What <c>kefu simulate</c> asks for: how many shops and days, from which seed and local date.</summary>
public sealed record SimulationOptions
{
    /// <summary>Shops "s1".."sN".</summary>
    public int Shops { get; init; } = 1;

    /// <summary>Local days generated from <see cref="Start"/> on; no event falls outside them.</summary>
    public int Days { get; init; } = 1;

    public long Seed { get; init; }

    /// <summary>
    /// Only the first this many local hours of the run (none: every day whole). The events are exactly the whole run's
    /// from <see cref="Start"/>'s midnight up to that hour, in the same order; a shop's day is still decided whole, but
    /// what falls later is dropped at once, so a load test of many shops holds an hour of each, not a day.
    /// </summary>
    public int? Hours { get; init; }

    /// <summary>First local date (default 2026-11-01).</summary>
    public DateOnly Start { get; init; } = new(2026, 11, 1);

    /// <summary>Agents on each shop's team ("s1-a1".."s1-aN"); not all of them work every day.</summary>
    public int AgentsPerShop { get; init; } = 6;

    /// <summary>Spring-Festival surge on days inside the built-in festival periods (more traffic, fewer agents).</summary>
    public bool Festival { get; init; }

    /// <summary>The shops' local offset; every event is written with it (default +08:00, China has no DST).</summary>
    public TimeSpan UtcOffset { get; init; } = TimeSpan.FromHours(8);

    /// <summary>Throws when a value cannot give a meaningful run.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Shops, 1, nameof(Shops));
        ArgumentOutOfRangeException.ThrowIfLessThan(Days, 1, nameof(Days));
        if (Hours is { } hours && (hours < 1 || hours > Days * 24L))
            throw new ArgumentOutOfRangeException(nameof(Hours), Hours, "must be from 1 to the days' hours");
        ArgumentOutOfRangeException.ThrowIfLessThan(AgentsPerShop, 1, nameof(AgentsPerShop));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(AgentsPerShop, 500, nameof(AgentsPerShop));
        if (UtcOffset.Ticks % TimeSpan.TicksPerMinute != 0 || UtcOffset.Duration() > TimeSpan.FromHours(14))
            throw new ArgumentOutOfRangeException(nameof(UtcOffset), UtcOffset, "must be whole minutes within ±14:00");
        if (Start.DayNumber + (long)Days > DateOnly.MaxValue.DayNumber)
            throw new ArgumentOutOfRangeException(nameof(Days), Days, "runs past the last representable date");
    }
}
