using KefuScore.Engine.Events;

namespace KefuScore.Engine.Tests.Events;

/// <summary>SPEC §3 validation, one row per documented way a record can be wrong.</summary>
public sealed class EventParserTests
{
    private static RawEvent Message(Action<RawEvent>? change = null)
    {
        var raw = new RawEvent { Type = "message", Id = "m1", Shop = "s1", At = "2026-11-20T10:00:00+08:00", Conversation = "c1", Sender = "customer" };
        change?.Invoke(raw);
        return raw;
    }

    [Theory]
    [InlineData("type", null, "is required")]
    [InlineData("type", "chat", "is not one of")]
    [InlineData("id", null, "is required")]
    [InlineData("id", "  ", "is required")]
    [InlineData("shop", null, "is required")]
    [InlineData("at", null, "is required")]
    [InlineData("at", "2026-11-20T10:00:00", "offset")]
    [InlineData("at", "2026-11-20 10:00", "offset")]
    [InlineData("at", "2026-13-20T10:00:00Z", "ISO 8601")]
    [InlineData("at", "yesterday", "ISO 8601")]
    [InlineData("conversation", null, "required for a message")]
    [InlineData("sender", "robot", "is not one of customer, agent, bot, system")]
    [InlineData("kind", "voice", "is not one of text")]
    public void A_bad_message_is_rejected_naming_the_field(string field, string? value, string reason)
    {
        var raw = Message(r => r.Set(field, value));
        Assert.Null(EventParser.Parse(raw, out var error));
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("6")]
    [InlineData("4.5")]
    [InlineData("five")]
    public void Stars_outside_1_to_5_are_rejected(string stars)
    {
        var raw = new RawEvent { Type = "rating", Id = "r1", Shop = "s1", At = "2026-11-20T10:00:00Z", Stars = stars };
        Assert.Null(EventParser.Parse(raw, out var error));
        Assert.Equal("stars", error.Field);
    }

    [Theory]
    [InlineData("2026-11-20T10:00:00+08:00", "2026-11-20T02:00:00Z")]
    [InlineData("2026-11-20T02:00:00Z", "2026-11-20T02:00:00Z")]
    [InlineData("2026-11-19T21:00:00-05:00", "2026-11-20T02:00:00Z")]
    [InlineData("2026-11-20T02:00:00.123456Z", "2026-11-20T02:00:00.123456Z")]
    [InlineData("2026-11-20 10:00:00+08:00", "2026-11-20T02:00:00Z")]
    public void Times_with_Z_or_an_offset_are_the_same_instant(string text, string utc)
    {
        Assert.True(Timestamp.TryParse(text, out var at));
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture).UtcTicks, at.UtcTicks);
    }

    [Fact]
    public void A_valid_message_keeps_its_fields()
    {
        var e = EventParser.Parse(Message(r => { r.Kind = "auto"; r.Sender = "agent"; r.Agent = "a1"; r.Text = "您好"; }), out _)!;
        Assert.Equal(Sender.Agent, e.Sender);
        Assert.Equal(MessageKind.Auto, e.Kind);
        Assert.False(e.IsHumanReply);
        Assert.Equal("您好", e.Text);
        Assert.Equal(TimeSpan.FromHours(8), e.At.Offset);
    }
}
