using System.Reflection;
using FsCheck;
using FsCheck.Fluent;
using KefuScore.Engine.Events;
using KefuScore.Engine.Simulation;
using KefuScore.Web.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace KefuScore.Web.Tests.Cluster;

/// <summary>
/// Events cross silos through Orleans' generated codec (the surrogate of ChatEventCodec.cs), not JSON: every field of
/// the engine's event arrives as it left, the offset of its instant included.
/// </summary>
public sealed class ChatEventCodecTests
{
    private static readonly Serializer<ShopBatch> Batches = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(ShopBatch).Assembly)).BuildServiceProvider().GetRequiredService<Serializer<ShopBatch>>();

    private static readonly PropertyInfo[] Fields = [.. typeof(ChatEvent).GetProperties().Where(p => p.CanWrite)];

    private static ChatEvent[] RoundTrip(params ChatEvent[] events) => Batches.Deserialize(Batches.SerializeToArray(new ShopBatch(events)))!.Events;

    private static void AssertSame(ChatEvent expected, ChatEvent actual)
    {
        foreach (var p in Fields) Assert.Equal(p.GetValue(expected), p.GetValue(actual));
        Assert.Equal(expected.At.Offset, actual.At.Offset);
    }

    [Fact]
    public void Every_field_of_an_event_crosses_with_its_value()
    {
        var e = new ChatEvent
        {
            Type = EventType.Rating, Id = "e-17", Shop = "旗舰店", At = new DateTimeOffset(2026, 12, 5, 21, 30, 15, TimeSpan.FromHours(8)).AddTicks(1234),
            Conversation = "c9", Customer = "买家甲", Sender = Sender.Bot, Agent = "小美", Kind = MessageKind.Assist, Text = "亲，在的\n第二行",
            Stars = 4, Satisfaction = Satisfaction.Neutral, Reason = "回复慢", Order = "o-88", Media = "https://img/1.png", Category = "退款",
            Action = "apply", Status = "online", Capacity = 7,
        };
        // The example sets every field the event has (none left at its default), so a field added to ChatEvent and
        // not to the surrogate makes this test fail instead of being dropped between silos.
        foreach (var p in Fields)
            Assert.NotEqual(p.PropertyType.IsValueType ? Activator.CreateInstance(p.PropertyType) : null, p.GetValue(e));
        var back = RoundTrip(e);
        AssertSame(e, Assert.Single(back));
        Assert.Equal("2026-12-05T21:30:15.0001234+08:00", back[0].At.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Fields_a_type_does_not_use_stay_null_and_zero()
    {
        var e = new ChatEvent { Type = EventType.Message, Id = "m1", Shop = "s1", At = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero) };
        var back = Assert.Single(RoundTrip(e));
        AssertSame(e, back);
        Assert.Null(back.Text);
        Assert.Equal(0, back.Capacity);
    }

    [Fact]
    public void Any_simulated_stream_crosses_unchanged_in_order() =>
        Prop.ForAll(Gen.Choose(1, 100_000).ToArbitrary(), seed =>
        {
            var events = Simulator.Generate(new SimulationOptions { Shops = 2, Days = 1, Seed = seed }).Take(300).ToArray();
            var back = RoundTrip(events);
            Assert.Equal(events.Length, back.Length);
            for (var i = 0; i < events.Length; i++) AssertSame(events[i], back[i]);
        }).QuickCheckThrowOnFailure();
}
