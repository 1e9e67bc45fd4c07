namespace KefuScore.Engine.Simulation;

/// <summary>
/// One agent's working day, in seconds after the local midnight of that day. <see cref="AwayStart"/> equals
/// <see cref="AwayEnd"/> when the agent takes no break. <see cref="Speed"/> scales the agent's reply delays
/// (below 1 is quicker than the team's typical 40 s).
/// </summary>
public sealed record AgentShift(string Agent, int Capacity, double Speed, int Start, int End, int AwayStart, int AwayEnd)
{
    public bool IsAway(long t) => t >= AwayStart && t < AwayEnd;

    /// <summary>Logged in and not on a break at <paramref name="t"/>.</summary>
    public bool IsOnline(long t) => t >= Start && t < End && !IsAway(t);
}

/// <summary>
/// Who works when (排班): an early shift about 08:00–16:00 and a late one about 15:00–23:00; agents alternate
/// between them, not everybody works every day, and some take a break. Deterministic in (seed, shop, date).
/// </summary>
public static class Roster
{
    private const int Hour = 3600;

    /// <summary>An agent's concurrent-chat capacity: fixed per agent, 3–6.</summary>
    public static int Capacity(long seed, int shop, int agent) => SimRandom.Derive(seed, shop, agent, 0x43415041).Next(3, 6);

    /// <summary>How slow an agent is compared with the typical one: fixed per agent, 0.6–1.6, so agents rank differently.</summary>
    public static double Speed(long seed, int shop, int agent) =>
        Math.Clamp(SimRandom.Derive(seed, shop, agent, 0x53504545).LogNormal(1.0, 0.3), 0.6, 1.6);

    public static string AgentId(string shopId, int agent) => $"{shopId}-a{agent + 1}";

    /// <summary>The shifts worked in shop <paramref name="shop"/> (0-based) on <paramref name="date"/>, by start time.</summary>
    public static IReadOnlyList<AgentShift> For(SimulationOptions options, int shop, DateOnly date)
    {
        var random = SimRandom.Derive(options.Seed, shop, date.DayNumber, 0x524F5354);
        var attendance = TrafficCurve.Attendance(date, options.Festival);
        var shifts = new List<AgentShift>(options.AgentsPerShop);
        if (options.AgentsPerShop == 1)
        {
            shifts.Add(Make(random, options.Seed, shop, 0, 8 * Hour, 23 * Hour));
            return shifts;
        }

        var earlyWorking = false;
        var lateWorking = false;
        for (var a = 0; a < options.AgentsPerShop; a++)
        {
            var early = a % 2 == 0;
            // The last agent of each shift comes in when nobody else of that shift did.
            var lastOfShift = a >= options.AgentsPerShop - 2;
            var needed = lastOfShift && !(early ? earlyWorking : lateWorking);
            if (!random.Chance(attendance) && !needed) continue;
            if (early) earlyWorking = true;
            else lateWorking = true;
            shifts.Add(early
                ? Make(random, options.Seed, shop, a, 8 * Hour, 16 * Hour)
                : Make(random, options.Seed, shop, a, 15 * Hour, 23 * Hour));
        }
        shifts.Sort((x, y) => x.Start.CompareTo(y.Start));
        return shifts;
    }

    public static string ShopId(int shop) => $"s{shop + 1}";

    private static AgentShift Make(SimRandom random, long seed, int shop, int agent, int start, int end)
    {
        // Log in a little before or after the hour; the late shift stays until about 23:00.
        var s = start + random.Next(-15 * 60, 10 * 60);
        var e = end + random.Next(-5 * 60, 12 * 60);
        int awayStart = 0, awayEnd = 0;
        if (random.Chance(0.35))
        {
            awayStart = s + random.Next(2 * Hour, (e - s) - 2 * Hour);
            awayEnd = awayStart + random.Next(10 * 60, 40 * 60);
        }
        return new AgentShift(AgentId(ShopId(shop), agent), Capacity(seed, shop, agent), Speed(seed, shop, agent), s, e, awayStart, awayEnd);
    }
}
