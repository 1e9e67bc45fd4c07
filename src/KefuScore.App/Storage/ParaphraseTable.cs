using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Storage;

/// <summary>
/// <c>faq_paraphrases</c> (schema version 4): wordings of FAQ questions mined from a shop's chats, one row per shop,
/// entry and wording, whatever its state, so a rejected one is never proposed again.
/// </summary>
internal static class ParaphraseTable
{
    public static void Configure(ModelBuilder b) =>
        b.Entity<FaqParaphraseRow>(e =>
        {
            e.ToTable("faq_paraphrases");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Shop, x.Entry, x.Text }).IsUnique();
            e.HasIndex(x => new { x.Shop, x.State });
        });
}

/// <summary>A row of <c>faq_paraphrases</c>: a customer's wording of the question <see cref="Entry"/>, where it was found, and the manager's decision.</summary>
public sealed class FaqParaphraseRow
{
    public long Id { get; set; }
    public required string Shop { get; set; }
    /// <summary>The entry's question, as in the knowledge base (entries are known by their question, unique in a file).</summary>
    public required string Entry { get; set; }
    /// <summary>The customer's wording.</summary>
    public required string Text { get; set; }
    /// <summary><c>pending</c>, <c>accepted</c> or <c>rejected</c>.</summary>
    public required string State { get; set; }
    /// <summary>How close the agent's reply was to the entry's answer (cosine of character bigrams).</summary>
    public double Similarity { get; set; }
    public required string Conversation { get; set; }
    /// <summary>The customer's message.</summary>
    public required string Message { get; set; }
    /// <summary>The agent's reply that gave the answer.</summary>
    public required string Reply { get; set; }
    public string? Agent { get; set; }
    public long AtTicks { get; set; }
    public long FoundTicks { get; set; }
    public string? DecidedBy { get; set; }
    public long? DecidedTicks { get; set; }
}
