using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Live;

/// <summary>A row of <c>alert_rules</c>: a shop's alert rules and quiet hours as JSON (<c>docs/live.md</c>).</summary>
public sealed class AlertRulesRow
{
    public required string Shop { get; set; }
    public required string Json { get; set; }
    public long UpdatedTicks { get; set; }
}

/// <summary>A row of <c>webhooks</c>: where a shop's alerts are posted; the signing secret kept protected by ASP.NET Data Protection.</summary>
public sealed class WebhookRow
{
    public long Id { get; set; }
    public required string Shop { get; set; }
    public required string Url { get; set; }
    /// <summary>The secret, encrypted: HMAC needs it back, so it cannot be hashed.</summary>
    public required string ProtectedSecret { get; set; }
    public long CreatedTicks { get; set; }
    /// <summary>What is posted: <c>kefu</c> (signed JSON), or a group robot's message: <c>wecom</c>, <c>dingtalk</c>, <c>feishu</c>.</summary>
    public string Kind { get; set; } = "kefu";
}

/// <summary>A row of <c>webhook_dead_letters</c>: a delivery that failed every attempt, kept for the dashboard and a retry.</summary>
public sealed class WebhookDeadLetterRow
{
    public long Id { get; set; }
    public long WebhookId { get; set; }
    public required string Shop { get; set; }
    public required string Url { get; set; }
    /// <summary>The alert part of the body, as JSON; a retry sends it again with a new timestamp and signature.</summary>
    public required string Payload { get; set; }
    public int Attempts { get; set; }
    public required string LastError { get; set; }
    public long FailedTicks { get; set; }
}

/// <summary>The live monitor's tables in <c>KefuDb</c> (one line there calls this).</summary>
public static class LiveTables
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<AlertRulesRow>(e =>
        {
            e.ToTable("alert_rules");
            e.HasKey(x => x.Shop);
        });
        b.Entity<WebhookRow>(e =>
        {
            e.ToTable("webhooks");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.Shop);
        });
        b.Entity<WebhookDeadLetterRow>(e =>
        {
            e.ToTable("webhook_dead_letters");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.Shop);
        });
    }
}
