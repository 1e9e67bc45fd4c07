using KefuScore.Engine.Events;

namespace KefuScore.App.Storage;

/// <summary>
/// A row of <c>events</c>: every field of a <see cref="ChatEvent"/> as its own column, so a stored event rebuilds
/// exactly (<see cref="ToEvent"/>). The instant is kept as UTC ticks plus the original offset in minutes.
/// Rows are never updated, only deleted (an admin's DELETE …/events); (shop, id) is unique.
/// </summary>
public sealed class StoredEvent
{
    public long Seq { get; set; }
    public required string Shop { get; set; }
    public required string Id { get; set; }
    public short Type { get; set; }
    public long AtTicks { get; set; }
    public short OffsetMinutes { get; set; }
    /// <summary>"" when the event has no conversation (so the (shop, conversation) index covers every row).</summary>
    public string Conversation { get; set; } = "";
    public string? Customer { get; set; }
    public short Sender { get; set; }
    public string? Agent { get; set; }
    public short Kind { get; set; }
    public string? Text { get; set; }
    public short Stars { get; set; }
    public short Satisfaction { get; set; }
    public string? Reason { get; set; }
    public string? Order { get; set; }
    public string? Media { get; set; }
    public string? Category { get; set; }
    public string? Action { get; set; }
    public string? Status { get; set; }
    public int Capacity { get; set; }

    public static StoredEvent From(ChatEvent e) => new()
    {
        Shop = e.Shop, Id = e.Id, Type = (short)e.Type, AtTicks = e.At.UtcTicks,
        OffsetMinutes = (short)(e.At.Offset.Ticks / TimeSpan.TicksPerMinute), Conversation = e.Conversation ?? "",
        Customer = e.Customer, Sender = (short)e.Sender, Agent = e.Agent, Kind = (short)e.Kind, Text = e.Text,
        Stars = e.Stars, Satisfaction = (short)e.Satisfaction, Reason = e.Reason, Order = e.Order, Media = e.Media,
        Category = e.Category, Action = e.Action, Status = e.Status, Capacity = e.Capacity,
    };

    public ChatEvent ToEvent()
    {
        var offset = TimeSpan.FromMinutes(OffsetMinutes);
        return new ChatEvent
        {
            Type = (EventType)Type, Id = Id, Shop = Shop,
            At = new DateTimeOffset(AtTicks + offset.Ticks, offset),
            Conversation = Conversation.Length == 0 ? null : Conversation, Customer = Customer, Sender = (Sender)Sender,
            Agent = Agent, Kind = (MessageKind)Kind, Text = Text, Stars = (byte)Stars, Satisfaction = (Satisfaction)Satisfaction,
            Reason = Reason, Order = Order, Media = Media, Category = Category, Action = Action, Status = Status, Capacity = Capacity,
        };
    }
}

/// <summary>
/// A row of <c>facts</c>: one <see cref="Engine.Metrics.MetricFact"/> the engine drew from a conversation under a
/// profile. A conversation's facts are replaced whole when one of its events arrives late; reports sum them.
/// </summary>
public sealed class StoredFact
{
    public long Seq { get; set; }
    public required string Profile { get; set; }
    public required string Shop { get; set; }
    /// <summary>"" for facts without a conversation (ratings given outside one).</summary>
    public string Conversation { get; set; } = "";
    /// <summary>"" for facts no agent earned.</summary>
    public string Agent { get; set; } = "";
    /// <summary>Local hours since 0001-01-01 in the profile's zone (the rollup's time key).</summary>
    public int Hour { get; set; }
    public required string Metric { get; set; }
    public long Numerator { get; set; }
    public long Denominator { get; set; }
    public long SumTicks { get; set; }
    public long Count { get; set; }
    /// <summary>Reply-time histogram bucket, -1 for none.</summary>
    public short Bucket { get; set; }
}

/// <summary>A row of <c>shops</c>: id, display name and the profile its facts are kept under.</summary>
public sealed class ShopRow
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string Profile { get; set; }
}

/// <summary>A row of <c>api_keys</c>: only the SHA-256 of the key is kept, and its first characters to recognise it.</summary>
public sealed class ApiKeyRow
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required byte[] Hash { get; set; }
    /// <summary>Comma-separated shop ids, or "*" for every shop (including shops not yet known).</summary>
    public required string Shops { get; set; }
    public long CreatedTicks { get; set; }
    /// <summary>When the key stops working (UTC ticks), or null for never.</summary>
    public long? ExpiresTicks { get; set; }
    /// <summary>When an admin revoked it (UTC ticks); a revoked key is kept for the record and never accepted again.</summary>
    public long? RevokedTicks { get; set; }
    /// <summary>Last accepted use (UTC ticks, to the minute), or null when never used.</summary>
    public long? LastUsedTicks { get; set; }
    /// <summary>True for the key of <c>KEFU_BOOTSTRAP_API_KEY</c>: revoked at start once the variable is gone or changed.</summary>
    public bool Bootstrap { get; set; }
}

/// <summary>
/// A row of <c>user_shops</c>: a shop a supervisor is assigned to (<see cref="Agent"/> ""), or the shop and agent id
/// an agent's sign-in stands for (they see that agent's figures only). Admins need no rows: they see every shop.
/// </summary>
public sealed class UserShopRow
{
    public required string UserId { get; set; }
    public required string Shop { get; set; }
    public string Agent { get; set; } = "";
}

/// <summary>The single row of <c>schema_version</c>.</summary>
public sealed class SchemaVersionRow
{
    public int Id { get; set; }
    public int Version { get; set; }
}
