using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Storage;

/// <summary>
/// The tables of service quality (docs/quality.md): complaints with their notes and evidence, per-shop settings
/// (calendar, complaint limits, FAQ knowledge base and policy), training records and the manual-review sample.
/// Registered by <see cref="KefuDb"/> with one call, so the rest of the model stays as it was.
/// </summary>
internal static class QualityTables
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<ComplaintRow>(e =>
        {
            e.ToTable("complaints");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Shop, x.SourceEvent }).IsUnique();
            e.HasIndex(x => new { x.Shop, x.State });
        });
        b.Entity<ComplaintNoteRow>(e =>
        {
            e.ToTable("complaint_notes");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.ComplaintId);
        });
        b.Entity<ComplaintEvidenceRow>(e =>
        {
            e.ToTable("complaint_evidence");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.ComplaintId);
        });
        b.Entity<ShopSettingRow>(e =>
        {
            e.ToTable("shop_settings");
            e.HasKey(x => new { x.Shop, x.Kind });
        });
        b.Entity<TrainingRecordRow>(e =>
        {
            e.ToTable("training_records");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Shop, x.Agent });
        });
        b.Entity<ReviewItemRow>(e =>
        {
            e.ToTable("review_items");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Shop, x.Period, x.Agent });
        });
        b.Entity<ReviewVerdictRow>(e =>
        {
            e.ToTable("review_verdicts");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.ItemId);
        });
        ParaphraseTable.Configure(b);
    }
}

/// <summary>A row of <c>complaints</c>. <see cref="SourceEvent"/> is the id of the complaint event it came from (null when made by hand).</summary>
public sealed class ComplaintRow
{
    public long Id { get; set; }
    public required string Shop { get; set; }
    /// <summary>The complaint event's id, unique per shop (null for complaints made by hand: NULLs never collide).</summary>
    public string? SourceEvent { get; set; }
    public string? Conversation { get; set; }
    public string? Order { get; set; }
    public string? Customer { get; set; }
    public string? Agent { get; set; }
    public required string Category { get; set; }
    public string? Text { get; set; }
    public long CreatedTicks { get; set; }
    public short CreatedOffsetMinutes { get; set; }
    public required string State { get; set; }
    public long? RespondedTicks { get; set; }
    public long? ClosedTicks { get; set; }
    /// <summary>The highest escalation level already announced (0 none).</summary>
    public int Escalation { get; set; }
}

/// <summary>A row of <c>complaint_notes</c>: a note, a state change (<see cref="FromState"/> → <see cref="ToState"/>) or an escalation.</summary>
public sealed class ComplaintNoteRow
{
    public long Id { get; set; }
    public long ComplaintId { get; set; }
    public long AtTicks { get; set; }
    public required string Author { get; set; }
    public required string Text { get; set; }
    public string? FromState { get; set; }
    public string? ToState { get; set; }
}

/// <summary>A row of <c>complaint_evidence</c>: the conversation, or one inspection finding in it.</summary>
public sealed class ComplaintEvidenceRow
{
    public long Id { get; set; }
    public long ComplaintId { get; set; }
    /// <summary><c>conversation</c> or <c>finding</c>.</summary>
    public required string Kind { get; set; }
    public required string Conversation { get; set; }
    public string? Message { get; set; }
    public string? Agent { get; set; }
    public string? Rule { get; set; }
    public string? Detail { get; set; }
}

/// <summary>A row of <c>shop_settings</c>: one document of a shop (calendar, complaints, faq, faq_policy), as uploaded.</summary>
public sealed class ShopSettingRow
{
    public required string Shop { get; set; }
    public required string Kind { get; set; }
    public required string Text { get; set; }
    public long UpdatedTicks { get; set; }
}

/// <summary>A row of <c>training_records</c>: an agent's course, planned or done.</summary>
public sealed class TrainingRecordRow
{
    public long Id { get; set; }
    public required string Shop { get; set; }
    public required string Agent { get; set; }
    public required string Course { get; set; }
    /// <summary><c>planned</c> or <c>done</c>.</summary>
    public required string Status { get; set; }
    public long AtTicks { get; set; }
    public double? Score { get; set; }
    public string? Note { get; set; }
}

/// <summary>A row of <c>review_items</c>: one conversation drawn into an agent's manual-review sample for a period.</summary>
public sealed class ReviewItemRow
{
    public long Id { get; set; }
    public required string Shop { get; set; }
    /// <summary>The period, e.g. <c>2026-11-16..2026-11-22</c>.</summary>
    public required string Period { get; set; }
    public required string Agent { get; set; }
    public required string Conversation { get; set; }
    /// <summary><c>findings</c> or <c>clean</c>: the stratum it was drawn from.</summary>
    public required string Stratum { get; set; }
    public int Seed { get; set; }
}

/// <summary>A row of <c>review_verdicts</c>: a reviewer's verdict on one finding (or the whole conversation when <see cref="Rule"/> is null).</summary>
public sealed class ReviewVerdictRow
{
    public long Id { get; set; }
    public long ItemId { get; set; }
    public string? Message { get; set; }
    public string? Rule { get; set; }
    /// <summary><c>agree</c> or <c>disagree</c>.</summary>
    public required string Verdict { get; set; }
    public string? Comment { get; set; }
    public required string Reviewer { get; set; }
    public long AtTicks { get; set; }
}
