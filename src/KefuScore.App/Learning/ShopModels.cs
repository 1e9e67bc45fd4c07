using System.Collections.Concurrent;
using KefuScore.App.Complaints;
using KefuScore.App.Faq;
using KefuScore.App.Quality;
using KefuScore.App.Review;
using KefuScore.App.Storage;
using KefuScore.Engine.Quality;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Learning;

/// <summary>What the server keeps of a shop's trained model (without the model itself).</summary>
public sealed record ShopModelInfo(string Kind, int Version, long TrainedTicks, string TrainedBy, int Examples, string Source);

/// <summary>A shop's examples could not train a model (none, a bad file, no knowledge base): the message says why.</summary>
public sealed class ShopModelException(string message, int status = 400) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// A shop's own text models on the server (issue 18, docs/quality.md "A shop's own models"): a supervisor trains
/// them from the shop's labelled messages or customer questions (uploaded, or what the shop already decided: review
/// verdicts, accepted mined wordings), every version is stored in <c>shop_models</c>, and the shop's inspection and
/// FAQ use the newest from then on. An inspection model is trained on the built-in development messages **plus** the
/// shop's, so a shop's few dozen labels teach its own wordings without unlearning the rest.
/// </summary>
public static class ShopModels
{
    public const string Inspection = "inspection", Faq = "faq";
    public const string Upload = "upload", Review = "review", Paraphrases = "paraphrases";

    // The newest model per shop and kind, built once per stored version (row id and time: another database's row
    // with the same id is a different version by its time).
    private static readonly ConcurrentDictionary<(string Shop, string Kind), (long Id, long Ticks, object Value)> Cache = new();
    private static readonly Lazy<IReadOnlyList<LabelledMessage>> BuiltInDev = new(() =>
    {
        using var stream = typeof(ShopModels).Assembly.GetManifestResourceStream("quality/inspection-dev.jsonl")
            ?? throw new InvalidOperationException("resource quality/inspection-dev.jsonl is missing from the build");
        using var reader = new StreamReader(stream);
        return LabelledMessages.Parse(reader.ReadToEnd(), "built-in development messages");
    });

    /// <summary>
    /// The inspector of a shop: the built-in rules with the shop's newest inspection model, or the built-in model when
    /// the shop has none.
    /// </summary>
    public static async Task<Inspector> InspectorFor(KefuDb db, string shop, CancellationToken ct = default)
    {
        var model = await Newest(db, shop, Inspection, text => TextModelFile.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), $"shop {shop} inspection model", InspectionTrainer.Kind), ct);
        return new Inspector(InspectionLoader.BuiltIn(), model ?? InspectionLoader.BuiltInModel());
    }

    /// <summary>
    /// The shop's newest FAQ model for its current knowledge base, with its version; null when it has none or the
    /// knowledge base changed since (the model's entries are no longer the file's: BM25 answers until it is retrained).
    /// </summary>
    public static async Task<(FaqModel Model, int Version)?> FaqModelFor(KefuDb db, string shop, IReadOnlyList<FaqEntry> entries, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var info = await Latest(db, shop, Faq, ct);
        if (info is null) return null;
        var model = await Newest(db, shop, Faq, text => TextModelFile.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), $"shop {shop} FAQ model", FaqModel.Kind), ct);
        if (model is null) return null;
        try { return (new FaqModel(model, entries), info.Version); }
        catch (TextModelException) { return null; }
    }

    /// <summary>The shop's models, every version, newest first.</summary>
    public static async Task<IReadOnlyList<ShopModelInfo>> List(KefuDb db, string shop, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Set<ShopModelRow>().AsNoTracking().Where(r => r.Shop == shop).OrderBy(r => r.Kind).ThenByDescending(r => r.Version)
            .Select(r => new ShopModelInfo(r.Kind, r.Version, r.TrainedTicks, r.TrainedBy, r.Examples, r.Source)).ToListAsync(ct);
    }

    /// <summary>
    /// Trains and stores the shop's inspection model from <paramref name="labels"/> (JSON Lines, docs/quality.md) or,
    /// when null, from the review verdicts (<see cref="ReviewLabels"/>).
    /// </summary>
    public static async Task<ShopModelInfo> TrainInspection(KefuDb db, string shop, string? labels, string by, long nowTicks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        IReadOnlyList<LabelledMessage> own;
        try
        {
            own = labels is null ? (await ReviewLabels.Of(db, shop, ct)).Messages : LabelledMessages.Parse(labels, "labels");
        }
        catch (LabelsException e) { throw new ShopModelException(e.Message); }
        if (own.Count == 0)
            throw new ShopModelException(labels is null ? "the shop has no reviewed messages with complete labels yet (review verdicts, or upload labelled messages)" : "labels: no labelled messages");
        InspectionTraining training;
        try { training = InspectionTrainer.Train(InspectionLoader.BuiltIn(), [.. BuiltInDev.Value, .. own], trees: InspectionTrainer.DefaultTrees); }
        catch (LabelsException e) { throw new ShopModelException(e.Message); }
        return await Store(db, shop, Inspection, InspectionTrainer.Kind, training.Model, own.Count, labels is null ? Review : Upload, by, nowTicks, ct);
    }

    /// <summary>
    /// Trains and stores the shop's FAQ model on its knowledge base, the customer questions in
    /// <paramref name="questions"/> (lines <c>question⇥expected FAQ question</c>) if given, and the wordings the
    /// shop accepted from its chats.
    /// </summary>
    public static async Task<ShopModelInfo> TrainFaq(KefuDb db, string shop, string? questions, string by, long nowTicks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var kb = await ShopSettings.Get(db, shop, ShopSettings.Faq, ct) ?? throw new ShopModelException($"shop '{shop}' has no FAQ knowledge base (PUT /api/v1/shops/{shop}/faq)", 404);
        var entries = FaqCsv.Parse(kb, $"shop {shop} faq");
        var cases = new List<FaqCase>();
        if (questions is not null)
        {
            try { cases.AddRange(FaqEvaluation.ParseCases(questions, "questions", entries)); }
            catch (FaqException e) { throw new ShopModelException(e.Message); }
        }
        var known = entries.Select(e => e.Question).ToHashSet(StringComparer.Ordinal);
        var accepted = (await ParaphraseBook.AcceptedOf(db, shop, ct)).Where(p => known.Contains(p.Entry)).ToList();
        // Each accepted wording is its own way of asking (its own group in the calibration).
        cases.AddRange(accepted.Select(p => new FaqCase(0, p.Text, p.Entry) { Group = $"paraphrase-{p.Id}" }));
        if (cases.Count == 0)
            throw new ShopModelException("no customer questions: upload lines 'question<TAB>expected FAQ question', or accept mined wordings first");
        var model = FaqModel.Train(entries, cases);
        var source = questions is null ? Paraphrases : accepted.Count > 0 ? Upload + "+" + Paraphrases : Upload;
        return await Store(db, shop, Faq, FaqModel.Kind, model.Model, cases.Count, source, by, nowTicks, ct);
    }

    private static async Task<ShopModelInfo> Store(KefuDb db, string shop, string kind, string fileKind, LinearTextModel model, int examples, string source, string by, long nowTicks, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        TextModelFile.Write(buffer, fileKind, model, new Dictionary<string, string> { ["shop"] = shop, ["examples"] = examples.ToString(System.Globalization.CultureInfo.InvariantCulture), ["source"] = source });
        var text = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        var version = (await db.Set<ShopModelRow>().Where(r => r.Shop == shop && r.Kind == kind).MaxAsync(r => (int?)r.Version, ct) ?? 0) + 1;
        var row = new ShopModelRow { Shop = shop, Kind = kind, Version = version, Model = text, TrainedTicks = nowTicks, TrainedBy = by, Examples = examples, Source = source };
        db.Add(row);
        await db.SaveChangesAsync(ct);
        return new ShopModelInfo(kind, version, nowTicks, by, examples, source);
    }

    private static async Task<ShopModelInfo?> Latest(KefuDb db, string shop, string kind, CancellationToken ct) =>
        await db.Set<ShopModelRow>().AsNoTracking().Where(r => r.Shop == shop && r.Kind == kind).OrderByDescending(r => r.Version)
            .Select(r => new ShopModelInfo(r.Kind, r.Version, r.TrainedTicks, r.TrainedBy, r.Examples, r.Source)).FirstOrDefaultAsync(ct);

    /// <summary>The newest stored model of a kind, read once per version; null when the shop has none.</summary>
    private static async Task<LinearTextModel?> Newest(KefuDb db, string shop, string kind, Func<string, LinearTextModel> read, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var head = await db.Set<ShopModelRow>().AsNoTracking().Where(r => r.Shop == shop && r.Kind == kind).OrderByDescending(r => r.Version)
            .Select(r => new { r.Id, r.TrainedTicks }).FirstOrDefaultAsync(ct);
        if (head is null) return null;
        if (Cache.TryGetValue((shop, kind), out var cached) && cached.Id == head.Id && cached.Ticks == head.TrainedTicks) return (LinearTextModel)cached.Value;
        var text = await db.Set<ShopModelRow>().AsNoTracking().Where(r => r.Id == head.Id).Select(r => r.Model).SingleAsync(ct);
        var model = read(text);
        Cache[(shop, kind)] = (head.Id, head.TrainedTicks, model);
        return model;
    }
}
