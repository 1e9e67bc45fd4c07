using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Storage;

/// <summary>
/// <c>shop_models</c> (schema version 7): a shop's own trained text models (issue 18), every version kept; the
/// highest version of a kind is the one in use.
/// </summary>
internal static class ShopModelTable
{
    public static void Configure(ModelBuilder b) =>
        b.Entity<ShopModelRow>(e =>
        {
            e.ToTable("shop_models");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Shop, x.Kind, x.Version }).IsUnique();
        });
}

/// <summary>A row of <c>shop_models</c>: one trained model of a shop, as the model file's JSON.</summary>
public sealed class ShopModelRow
{
    public long Id { get; set; }
    public required string Shop { get; set; }
    /// <summary><c>inspection</c> or <c>faq</c>.</summary>
    public required string Kind { get; set; }
    /// <summary>1, 2, … per shop and kind.</summary>
    public int Version { get; set; }
    /// <summary>The model file (docs/quality.md, Learned models), the same JSON <c>kefu inspect train</c> writes.</summary>
    public required string Model { get; set; }
    public long TrainedTicks { get; set; }
    /// <summary>The caller who trained it (user or <c>key:NAME</c>).</summary>
    public required string TrainedBy { get; set; }
    /// <summary>The shop's own examples it was trained on (labelled messages, or customer questions).</summary>
    public int Examples { get; set; }
    /// <summary>Where the shop's examples came from: <c>upload</c>, <c>review</c> (review verdicts), <c>paraphrases</c> (accepted mined wordings), or <c>upload+paraphrases</c>.</summary>
    public required string Source { get; set; }
}
