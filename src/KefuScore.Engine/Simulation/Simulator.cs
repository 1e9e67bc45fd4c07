using KefuScore.Engine.Events;

namespace KefuScore.Engine.Simulation;

/// <summary>
/// Realistic synthetic events for <c>kefu simulate</c> (SPEC §6): the same options give exactly the same
/// sequence. Events come out in non-decreasing <see cref="ChatEvent.At"/> order across all shops. Each local
/// day is generated for every shop into one buffer, sorted and handed out, so memory follows one day's volume
/// (plus the few days of deliveries and reviews already decided), not the number of days.
/// </summary>
public static class Simulator
{
    /// <summary>Conversations a typical shop (size 1) has on an ordinary weekday.</summary>
    public const double ConversationsPerDay = 150;

    /// <summary>Paid orders per conversation.</summary>
    public const double OrdersPerConversation = 0.45;

    public static IEnumerable<ChatEvent> Generate(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Days(options);
    }

    private static IEnumerable<ChatEvent> Days(SimulationOptions options)
    {
        var shops = new ShopState[options.Shops];
        for (var i = 0; i < shops.Length; i++) shops[i] = new ShopState(options, i);
        var day = new List<ChatEvent>();
        var order = new List<int>();

        var runEnd = options.Hours is { } hours ? hours * 3_600L : long.MaxValue;
        for (var d = 0; d < options.Days && (long)d * ShopState.SecondsPerDay < runEnd; d++)
        {
            var date = options.Start.AddDays(d);
            var dayStart = (long)d * ShopState.SecondsPerDay;
            var dayEnd = Math.Min(dayStart + ShopState.SecondsPerDay, runEnd);
            day.Clear();
            foreach (var shop in shops)
            {
                GenerateShopDay(options, shop, date, dayStart);
                shop.TakeBefore(dayEnd, day);
                // Past the run's last hour nothing is taken: what waits would hold every shop's rest of the day.
                if (dayEnd == runEnd) shop.DropPending();
            }

            // Sort by instant; ties keep the order the events were decided in (shop by shop), so runs repeat.
            order.Clear();
            for (var i = 0; i < day.Count; i++) order.Add(i);
            order.Sort((a, b) =>
            {
                var c = day[a].At.UtcTicks.CompareTo(day[b].At.UtcTicks);
                return c != 0 ? c : a.CompareTo(b);
            });
            foreach (var i in order) yield return day[i];
        }
    }

    private static void GenerateShopDay(SimulationOptions options, ShopState shop, DateOnly date, long dayStart)
    {
        var random = SimRandom.Derive(options.Seed, shop.Index, date.DayNumber, 0x44415953);
        var roster = Roster.For(options, shop.Index, date);
        var conversations = new ConversationGenerator(shop, random, dayStart, roster,
            () => Roster.For(options, shop.Index, date.AddDays(1)));
        conversations.Statuses();

        var expected = ConversationsPerDay * shop.Size * TrafficCurve.DayFactor(date, options.Festival);
        foreach (var second in TrafficCurve.Arrivals(random, expected)) conversations.Conversation(second);

        var orders = new OrderGenerator(shop, random, dayStart);
        foreach (var second in TrafficCurve.Arrivals(random, expected * OrdersPerConversation)) orders.Order(second);
    }
}
