using FsCheck.Xunit;
using KefuScore.Engine.Events;
using KefuScore.Engine.Simulation;
using Xunit.Abstractions;

namespace KefuScore.Engine.Tests.Simulation;

public sealed class SimulatorTests(ITestOutputHelper output)
{
    private static readonly SimulationOptions ThreeShopsWeek = new() { Shops = 3, Days = 7, Seed = 2026 };

    private static readonly Lazy<IReadOnlyList<ChatEvent>> Week = new(() => Simulator.Generate(ThreeShopsWeek).ToList());

    [Fact]
    public void Same_seed_gives_the_same_events()
    {
        var options = new SimulationOptions { Shops = 2, Days = 2, Seed = 5 };
        var first = Simulator.Generate(options).Select(Describe).ToList();
        var second = Simulator.Generate(options with { }).Select(Describe).ToList();
        Assert.Equal(first, second);
    }

    [Fact]
    public void Different_seeds_give_different_events()
    {
        var a = Simulator.Generate(new SimulationOptions { Shops = 1, Days = 1, Seed = 1 }).Select(Describe).ToList();
        var b = Simulator.Generate(new SimulationOptions { Shops = 1, Days = 1, Seed = 2 }).Select(Describe).ToList();
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Events_come_in_time_order()
    {
        var previous = DateTimeOffset.MinValue;
        foreach (var e in Week.Value)
        {
            Assert.True(e.At >= previous, $"{e} comes before {previous:O}");
            previous = e.At;
        }
    }

    [Fact]
    public void Ids_are_unique_per_shop()
    {
        var seen = new HashSet<(string, string)>();
        foreach (var e in Week.Value) Assert.True(seen.Add((e.Shop, e.Id)), $"duplicate {e}");
        Assert.Equal(["s1", "s2", "s3"], Week.Value.Select(e => e.Shop).Distinct().Order().ToList());
    }

    [Fact]
    public void No_event_falls_outside_the_requested_days_and_all_carry_the_offset()
    {
        var first = ThreeShopsWeek.Start;
        var last = first.AddDays(ThreeShopsWeek.Days - 1);
        foreach (var e in Week.Value)
        {
            Assert.Equal(TimeSpan.FromHours(8), e.At.Offset);
            var date = DateOnly.FromDateTime(e.At.DateTime);
            Assert.InRange(date, first, last);
        }
    }

    [Fact]
    public void Volume_is_one_to_three_thousand_events_per_shop_day()
    {
        var perShopDay = Week.Value.GroupBy(e => (e.Shop, DateOnly.FromDateTime(e.At.DateTime))).Select(g => g.Count()).ToList();
        output.WriteLine($"events {Week.Value.Count}, per shop-day min {perShopDay.Min()} mean {perShopDay.Average():F0} max {perShopDay.Max()}");
        foreach (var group in Week.Value.GroupBy(e => e.Type)) output.WriteLine($"  {group.Key}: {group.Count()}");
        Assert.Equal(21, perShopDay.Count);
        Assert.InRange(perShopDay.Average(), 1000, 3000);
    }

    [Theory]
    [InlineData(2026)]
    [InlineData(1)]
    [InlineData(-7)]
    public void Most_customer_messages_get_a_human_reply_within_three_minutes(long seed)
    {
        var events = seed == ThreeShopsWeek.Seed ? Week.Value : Simulator.Generate(ThreeShopsWeek with { Seed = seed }).ToList();
        var share = Stats.AnsweredWithin(events, 180);
        output.WriteLine($"seed {seed}: answered within 180 s: {share:P2}");
        Assert.InRange(share, 0.80, 0.97);
    }

    [Fact]
    public void The_world_has_every_kind_of_event()
    {
        var events = Week.Value;
        Assert.All(Enum.GetValues<EventType>(), t => Assert.Contains(events, e => e.Type == t));
        Assert.Contains(events, e => e.Sender == Sender.Bot);
        Assert.Contains(events, e => e.Kind == MessageKind.Welcome);
        Assert.Contains(events, e => e.Kind == MessageKind.Auto);
        Assert.Contains(events, e => e.Type == EventType.Shipment && e.Action == "lost");
        Assert.Contains(events, e => e.Type == EventType.Aftersale && e.Action == "refused");
        Assert.Contains(events, e => e.Type == EventType.Rating && e.Reason == "attitude");
        foreach (var stars in new byte[] { 1, 2, 3, 4, 5 }) Assert.Contains(events, e => e.Type == EventType.Rating && e.Stars == stars);
    }

    [Fact]
    public void Ratings_sour_with_waiting()
    {
        var (fast, slow) = Stats.MeanStarsByWait(Week.Value, 180);
        output.WriteLine($"mean stars: worst wait <= 180 s {fast:F2}, longer {slow:F2}");
        Assert.True(fast > slow + 0.3, $"{fast} vs {slow}");
    }

    [Fact]
    public void Nights_are_quiet_and_festival_days_busy()
    {
        var night = Week.Value.Count(e => e.IsCustomerMessage && e.At.Hour is >= 2 and < 6);
        var morning = Week.Value.Count(e => e.IsCustomerMessage && e.At.Hour is >= 10 and < 12);
        Assert.True(night * 5 < morning, $"{night} night vs {morning} morning messages (4 h vs 2 h)");

        var festive = new SimulationOptions { Shops = 1, Days = 1, Seed = 9, Start = new DateOnly(2027, 2, 3) };
        var plain = Simulator.Generate(festive).Count(e => e.IsCustomerMessage);
        var surge = Simulator.Generate(festive with { Festival = true }).Count(e => e.IsCustomerMessage);
        Assert.True(surge > plain * 1.2, $"{surge} vs {plain}");
    }

    [Fact]
    public void Agents_work_shifts_and_agent_messages_come_from_the_shop_team()
    {
        foreach (var e in Week.Value.Where(e => e.Agent is not null))
            Assert.StartsWith(e.Shop + "-a", e.Agent, StringComparison.Ordinal);
        var statuses = Week.Value.Where(e => e.Type == EventType.AgentStatus).ToList();
        Assert.All(statuses.Where(e => e.Status == "online"), e => Assert.InRange(e.Capacity, 3, 6));
        // Each agent-day starts online at the start of the early (about 08:00) or the late (about 15:00) shift.
        var shiftStarts = statuses.GroupBy(e => (e.Agent, e.At.Date)).Select(g => g.First()).ToList();
        Assert.All(shiftStarts, e => Assert.Equal("online", e.Status));
        Assert.All(shiftStarts, e => Assert.True(e.At.Hour is 7 or 8 or 14 or 15, $"{e} starts a shift"));
        Assert.True(shiftStarts.Count < 3 * 7 * ThreeShopsWeek.AgentsPerShop, "somebody has a day off");
    }

    [Fact]
    public void A_run_cut_at_an_hour_is_the_whole_runs_events_before_it()
    {
        // Two shops over two days, cut at 10:00 of the second day (hour 34): the whole run's events before
        // 2026-11-02T10:00+08:00, in the same order, and none after.
        var options = new SimulationOptions { Shops = 2, Days = 2, Seed = 5 };
        var cut = new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.FromHours(8));
        var whole = Simulator.Generate(options).ToList();
        var expected = whole.Where(e => e.At < cut).Select(Describe).ToList();
        var cutRun = Simulator.Generate(options with { Hours = 34 }).Select(Describe).ToList();
        Assert.Equal(expected, cutRun);
        Assert.InRange(cutRun.Count, 1, whole.Count - 1);
    }

    [Property(MaxTest = 25)]
    public bool Any_cut_is_a_prefix_of_the_whole_run(int seed, byte shops, byte hours)
    {
        var options = new SimulationOptions { Shops = 1 + shops % 3, Days = 2, Seed = seed };
        var h = 1 + hours % 48;
        var cut = new DateTimeOffset(options.Start.ToDateTime(TimeOnly.MinValue), options.UtcOffset).AddHours(h);
        var whole = Simulator.Generate(options).Where(e => e.At < cut).Select(Describe);
        return whole.SequenceEqual(Simulator.Generate(options with { Hours = h }).Select(Describe));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(49)]
    public void A_cut_outside_the_days_is_refused(int hours) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Simulator.Generate(new SimulationOptions { Days = 2, Hours = hours }).ToList());

    private static string Describe(ChatEvent e) =>
        $"{e.Type}|{e.Id}|{e.Shop}|{e.At:O}|{e.Conversation}|{e.Customer}|{e.Sender}|{e.Agent}|{e.Kind}|{e.Text}|{e.Stars}|{e.Reason}|{e.Order}|{e.Media}|{e.Category}|{e.Action}|{e.Status}|{e.Capacity}";
}
