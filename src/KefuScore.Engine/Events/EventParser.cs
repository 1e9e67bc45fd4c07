using System.Globalization;

namespace KefuScore.Engine.Events;

/// <summary>Validates a <see cref="RawEvent"/> against SPEC §3 and builds the <see cref="ChatEvent"/>.</summary>
public static class EventParser
{
    /// <summary>Returns the event, or null with <paramref name="error"/> naming the first field at fault.</summary>
    public static ChatEvent? Parse(RawEvent raw, out FieldError error)
    {
        error = default;
        var typeText = Trimmed(raw.Type);
        if (typeText is null) return Fail("type", "is required", out error);
        if (!TryParseType(typeText, out var type))
            return Fail("type", $"'{typeText}' is not one of message, rating, review, complaint, aftersale, shipment, agent_status, session", out error);

        var id = Trimmed(raw.Id);
        if (id is null) return Fail("id", "is required", out error);
        var shop = Trimmed(raw.Shop);
        if (shop is null) return Fail("shop", "is required", out error);
        var atText = Trimmed(raw.At);
        if (atText is null) return Fail("at", "is required", out error);
        if (!Timestamp.TryParse(atText, out var at))
            return Fail("at", $"'{atText}' is not an ISO 8601 time with an offset or Z (e.g. 2026-11-20T10:00:00+08:00)", out error);

        var conversation = Trimmed(raw.Conversation);
        var agent = Trimmed(raw.Agent);
        var capacity = 0;
        byte stars = 0;
        var sender = Sender.None;
        var kind = MessageKind.Text;
        var satisfaction = Satisfaction.None;
        string? action = null, status = null, category = null, media = null;

        var starsText = Trimmed(raw.Stars);
        if (starsText is not null)
        {
            if (!int.TryParse(starsText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
                && !(double.TryParse(starsText, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && (s = (int)d) == d))
                return Fail("stars", $"'{starsText}' is not a whole number", out error);
            if (s is < 1 or > 5) return Fail("stars", $"{s} is outside 1–5", out error);
            stars = (byte)s;
        }

        switch (type)
        {
            case EventType.Message:
                if (conversation is null) return Fail("conversation", "is required for a message", out error);
                var senderText = Trimmed(raw.Sender);
                if (senderText is null) return Fail("sender", "is required for a message", out error);
                sender = senderText switch
                {
                    "customer" => Sender.Customer, "agent" => Sender.Agent, "bot" => Sender.Bot, "system" => Sender.System,
                    _ => Sender.None,
                };
                if (sender == Sender.None) return Fail("sender", $"'{senderText}' is not one of customer, agent, bot, system", out error);
                var kindText = Trimmed(raw.Kind);
                if (kindText is not null)
                {
                    kind = kindText switch
                    {
                        "text" => MessageKind.Text, "image" => MessageKind.Image, "card" => MessageKind.Card,
                        "welcome" => MessageKind.Welcome, "auto" => MessageKind.Auto, "assist" => MessageKind.Assist,
                        _ => (MessageKind)255,
                    };
                    if (kind == (MessageKind)255) return Fail("kind", $"'{kindText}' is not one of text, image, card, welcome, auto, assist", out error);
                }
                break;
            case EventType.Rating:
                var satText = Trimmed(raw.Satisfaction);
                if (satText is not null)
                {
                    satisfaction = satText switch
                    {
                        "satisfied" => Satisfaction.Satisfied, "neutral" => Satisfaction.Neutral, "dissatisfied" => Satisfaction.Dissatisfied,
                        _ => Satisfaction.None,
                    };
                    if (satisfaction == Satisfaction.None) return Fail("satisfaction", $"'{satText}' is not one of satisfied, neutral, dissatisfied", out error);
                }
                if (satisfaction == Satisfaction.None && stars == 0) return Fail("stars", "a rating needs satisfaction or stars", out error);
                break;
            case EventType.Review:
                if (Trimmed(raw.Order) is null) return Fail("order", "is required for a review", out error);
                if (stars == 0) return Fail("stars", "is required for a review", out error);
                media = Trimmed(raw.Media);
                if (media is not (null or "text" or "image" or "video")) return Fail("media", $"'{media}' is not one of text, image, video", out error);
                break;
            case EventType.Complaint:
                category = Trimmed(raw.Category) ?? "other";
                if (category is not ("attitude" or "slow_reply" or "false_advertising" or "quality" or "logistics" or "aftersale" or "other"))
                    return Fail("category", $"'{category}' is not one of attitude, slow_reply, false_advertising, quality, logistics, aftersale, other", out error);
                if (conversation is null && Trimmed(raw.Order) is null) return Fail("conversation", "a complaint needs a conversation or an order", out error);
                break;
            case EventType.Aftersale:
                if (Trimmed(raw.Order) is null) return Fail("order", "is required for an aftersale event", out error);
                action = Trimmed(raw.Action);
                if (action is not ("requested" or "agreed" or "refused" or "completed"))
                    return Fail("action", action is null ? "is required for an aftersale event" : $"'{action}' is not one of requested, agreed, refused, completed", out error);
                var ak = Trimmed(raw.Kind);
                if (ak is not (null or "refund" or "return" or "exchange")) return Fail("kind", $"'{ak}' is not one of refund, return, exchange", out error);
                category = ak;
                break;
            case EventType.Shipment:
                if (Trimmed(raw.Order) is null) return Fail("order", "is required for a shipment event", out error);
                action = Trimmed(raw.Action);
                if (action is not ("paid" or "shipped" or "picked_up" or "delivered" or "lost"))
                    return Fail("action", action is null ? "is required for a shipment event" : $"'{action}' is not one of paid, shipped, picked_up, delivered, lost", out error);
                break;
            case EventType.AgentStatus:
                if (agent is null) return Fail("agent", "is required for agent_status", out error);
                status = Trimmed(raw.Status);
                if (status is not ("online" or "busy" or "away" or "offline"))
                    return Fail("status", status is null ? "is required for agent_status" : $"'{status}' is not one of online, busy, away, offline", out error);
                var capText = Trimmed(raw.Capacity);
                if (capText is not null && (!int.TryParse(capText, NumberStyles.Integer, CultureInfo.InvariantCulture, out capacity) || capacity < 0))
                    return Fail("capacity", $"'{capText}' is not a whole number ≥ 0", out error);
                break;
            case EventType.Session:
                if (conversation is null) return Fail("conversation", "is required for a session event", out error);
                action = Trimmed(raw.Action);
                if (action is not ("opened" or "transferred" or "closed"))
                    return Fail("action", action is null ? "is required for a session event" : $"'{action}' is not one of opened, transferred, closed", out error);
                break;
        }

        return new ChatEvent
        {
            Type = type, Id = id, Shop = shop, At = at, Conversation = conversation, Customer = Trimmed(raw.Customer),
            Sender = sender, Agent = agent, Kind = kind, Text = raw.Text, Stars = stars, Satisfaction = satisfaction,
            Reason = Trimmed(raw.Reason), Order = Trimmed(raw.Order), Media = media, Category = category,
            Action = action, Status = status, Capacity = capacity,
        };
    }

    public static bool TryParseType(string text, out EventType type)
    {
        switch (text)
        {
            case "message": type = EventType.Message; return true;
            case "rating": type = EventType.Rating; return true;
            case "review": type = EventType.Review; return true;
            case "complaint": type = EventType.Complaint; return true;
            case "aftersale": type = EventType.Aftersale; return true;
            case "shipment": type = EventType.Shipment; return true;
            case "agent_status": type = EventType.AgentStatus; return true;
            case "session": type = EventType.Session; return true;
            default: type = default; return false;
        }
    }

    public static string TypeName(EventType type) => type switch
    {
        EventType.AgentStatus => "agent_status",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static string? Trimmed(string? s)
    {
        if (s is null) return null;
        if (s.Length == 0) return null;
        if (!char.IsWhiteSpace(s[0]) && !char.IsWhiteSpace(s[^1])) return s;
        s = s.Trim();
        return s.Length == 0 ? null : s;
    }

    private static ChatEvent? Fail(string field, string reason, out FieldError error)
    {
        error = new FieldError(field, reason);
        return null;
    }
}
