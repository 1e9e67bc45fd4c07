using System.Globalization;
using KefuScore.Engine.Text;

namespace KefuScore.Engine.Events;

/// <summary>Validates a <see cref="RawEvent"/> against SPEC §3 and builds the <see cref="ChatEvent"/>.</summary>
public static class EventParser
{
    /// <summary>Returns the event, or null with <paramref name="error"/> naming the first field at fault.</summary>
    public static ChatEvent? Parse(RawEvent raw, out FieldError error)
    {
        error = default;
        if (TooLong(raw) is { } longField)
            return Fail(longField, new Msg(Codes.EventTooLong), out error);
        var typeText = Trimmed(raw.Type);
        if (typeText is null) return Fail("type", Required, out error);
        if (!TryParseType(typeText, out var type))
            return Fail("type", NotOneOf(typeText, "message, rating, review, complaint, aftersale, shipment, agent_status, session"), out error);

        var id = Trimmed(raw.Id);
        if (id is null) return Fail("id", Required, out error);
        var shop = Trimmed(raw.Shop);
        if (shop is null) return Fail("shop", Required, out error);
        var atText = Trimmed(raw.At);
        if (atText is null) return Fail("at", Required, out error);
        if (!Timestamp.TryParse(atText, out var at))
            return Fail("at", new Msg(YearOutsideRange(atText) ? Codes.EventTimeRange : Codes.EventNotTime, atText), out error);
        if (!Timestamp.InEventRange(at)) return Fail("at", new Msg(Codes.EventTimeRange, atText), out error);

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
                return Fail("stars", new Msg(Codes.EventNotWhole, starsText), out error);
            if (s is < 1 or > 5) return Fail("stars", new Msg(Codes.EventStarsRange, s), out error);
            stars = (byte)s;
        }

        switch (type)
        {
            case EventType.Message:
                if (conversation is null) return Fail("conversation", RequiredFor(type), out error);
                var senderText = Trimmed(raw.Sender);
                if (senderText is null) return Fail("sender", RequiredFor(type), out error);
                sender = senderText switch
                {
                    "customer" => Sender.Customer, "agent" => Sender.Agent, "bot" => Sender.Bot, "system" => Sender.System,
                    _ => Sender.None,
                };
                if (sender == Sender.None) return Fail("sender", NotOneOf(senderText, "customer, agent, bot, system"), out error);
                var kindText = Trimmed(raw.Kind);
                if (kindText is not null)
                {
                    kind = kindText switch
                    {
                        "text" => MessageKind.Text, "image" => MessageKind.Image, "card" => MessageKind.Card,
                        "welcome" => MessageKind.Welcome, "auto" => MessageKind.Auto, "assist" => MessageKind.Assist,
                        _ => (MessageKind)255,
                    };
                    if (kind == (MessageKind)255) return Fail("kind", NotOneOf(kindText, "text, image, card, welcome, auto, assist"), out error);
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
                    if (satisfaction == Satisfaction.None) return Fail("satisfaction", NotOneOf(satText, "satisfied, neutral, dissatisfied"), out error);
                }
                if (satisfaction == Satisfaction.None && stars == 0) return Fail("stars", new Msg(Codes.EventRatingNeeds), out error);
                break;
            case EventType.Review:
                if (Trimmed(raw.Order) is null) return Fail("order", RequiredFor(type), out error);
                if (stars == 0) return Fail("stars", RequiredFor(type), out error);
                media = Trimmed(raw.Media);
                if (media is not (null or "text" or "image" or "video")) return Fail("media", NotOneOf(media, "text, image, video"), out error);
                break;
            case EventType.Complaint:
                category = Trimmed(raw.Category) ?? "other";
                if (category is not ("attitude" or "slow_reply" or "false_advertising" or "quality" or "logistics" or "aftersale" or "other"))
                    return Fail("category", NotOneOf(category, "attitude, slow_reply, false_advertising, quality, logistics, aftersale, other"), out error);
                if (conversation is null && Trimmed(raw.Order) is null) return Fail("conversation", new Msg(Codes.EventComplaintNeeds), out error);
                break;
            case EventType.Aftersale:
                if (Trimmed(raw.Order) is null) return Fail("order", RequiredFor(type), out error);
                action = Trimmed(raw.Action);
                if (action is not ("requested" or "agreed" or "refused" or "completed"))
                    return Fail("action", action is null ? RequiredFor(type) : NotOneOf(action, "requested, agreed, refused, completed"), out error);
                var ak = Trimmed(raw.Kind);
                if (ak is not (null or "refund" or "return" or "exchange")) return Fail("kind", NotOneOf(ak, "refund, return, exchange"), out error);
                category = ak;
                break;
            case EventType.Shipment:
                if (Trimmed(raw.Order) is null) return Fail("order", RequiredFor(type), out error);
                action = Trimmed(raw.Action);
                if (action is not ("paid" or "shipped" or "picked_up" or "delivered" or "lost"))
                    return Fail("action", action is null ? RequiredFor(type) : NotOneOf(action, "paid, shipped, picked_up, delivered, lost"), out error);
                break;
            case EventType.AgentStatus:
                if (agent is null) return Fail("agent", RequiredFor(type), out error);
                status = Trimmed(raw.Status);
                if (status is not ("online" or "busy" or "away" or "offline"))
                    return Fail("status", status is null ? RequiredFor(type) : NotOneOf(status, "online, busy, away, offline"), out error);
                var capText = Trimmed(raw.Capacity);
                if (capText is not null && (!int.TryParse(capText, NumberStyles.Integer, CultureInfo.InvariantCulture, out capacity) || capacity < 0))
                    return Fail("capacity", new Msg(Codes.EventCapacity, capText), out error);
                break;
            case EventType.Session:
                if (conversation is null) return Fail("conversation", RequiredFor(type), out error);
                action = Trimmed(raw.Action);
                if (action is not ("opened" or "transferred" or "closed"))
                    return Fail("action", action is null ? RequiredFor(type) : NotOneOf(action, "opened, transferred, closed"), out error);
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

    /// <summary>Longest value of one field (1 Mi characters): far above any chat message, far below what would strain memory.</summary>
    public const int MaxFieldChars = 1 << 20;

    /// <summary>Longest stretch of input a rejection quotes; longer values are cut with "…" and their length.</summary>
    public const int MaxQuotedChars = 80;

    /// <summary>A value as a rejection quotes it: <c>'…'</c>, cut to <see cref="MaxQuotedChars"/> so a huge value never makes a huge message.</summary>
    public static string Quoted(string? value)
    {
        value ??= "";
        return value.Length <= MaxQuotedChars
            ? $"'{value}'"
            : string.Create(CultureInfo.InvariantCulture, $"'{value.AsSpan(0, MaxQuotedChars)}…' ({value.Length:N0} characters)");
    }


    /// <summary>A well-formed time whose year alone puts it outside the range (the framework cannot even hold some of them).</summary>
    private static bool YearOutsideRange(string s)
    {
        if (s.Length < 11 || s[4] != '-') return false;
        var year = 0;
        for (var i = 0; i < 4; i++)
        {
            if (s[i] is < '0' or > '9') return false;
            year = year * 10 + (s[i] - '0');
        }
        return year is < 1970 or >= 2100;
    }

    private static string? TooLong(RawEvent raw) =>
        Long(raw.Text) ? "text" : Long(raw.Type) ? "type" : Long(raw.Id) ? "id" : Long(raw.Shop) ? "shop" : Long(raw.At) ? "at"
        : Long(raw.Conversation) ? "conversation" : Long(raw.Customer) ? "customer" : Long(raw.Sender) ? "sender"
        : Long(raw.Agent) ? "agent" : Long(raw.Kind) ? "kind" : Long(raw.Satisfaction) ? "satisfaction" : Long(raw.Stars) ? "stars"
        : Long(raw.Reason) ? "reason" : Long(raw.Order) ? "order" : Long(raw.Media) ? "media" : Long(raw.Category) ? "category"
        : Long(raw.Action) ? "action" : Long(raw.Status) ? "status" : Long(raw.Capacity) ? "capacity" : null;

    private static bool Long(string? s) => s is { Length: > MaxFieldChars };

    private static string? Trimmed(string? s)
    {
        if (s is null) return null;
        if (s.Length == 0) return null;
        if (!char.IsWhiteSpace(s[0]) && !char.IsWhiteSpace(s[^1])) return s;
        s = s.Trim();
        return s.Length == 0 ? null : s;
    }

    private static readonly Msg Required = new(Codes.InputRequired);

    // Built only for a rejected record: the valid path allocates nothing for messages.
    private static Msg RequiredFor(EventType type) => new(Codes.EventRequiredFor, new Ref(RefKind.EventType, TypeName(type)));

    private static Msg NotOneOf(string? value, string choices) => new(Codes.EventNotOneOf, value ?? "", new Literal(choices));

    private static ChatEvent? Fail(string field, Msg reason, out FieldError error)
    {
        error = new FieldError(field, reason);
        return null;
    }
}
