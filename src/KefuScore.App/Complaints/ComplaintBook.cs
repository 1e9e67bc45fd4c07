using KefuScore.App.Quality;
using KefuScore.App.Storage;
using KefuScore.Engine.Calendars;
using KefuScore.Engine.Complaints;
using KefuScore.Engine.Events;
using KefuScore.Engine.Quality;
using Microsoft.EntityFrameworkCore;
using KefuScore.Engine.Text;

namespace KefuScore.App.Complaints;

/// <summary>A complaint made by hand (API or dashboard).</summary>
public sealed record NewComplaint(string Category, string? Conversation = null, string? Order = null, string? Customer = null, string? Agent = null, string? Text = null, DateTimeOffset? At = null);

/// <summary>A complaint with its countdown at an instant, its notes and its evidence.</summary>
public sealed record ComplaintView(ComplaintRow Row, ComplaintClock Clock, BusinessCalendar Calendar, IReadOnlyList<ComplaintNoteRow> Notes, IReadOnlyList<ComplaintEvidenceRow> Evidence);

/// <summary>A complaint whose escalation level rose: what other features (alerts, the dashboard) observe.</summary>
public sealed record ComplaintEscalated(string Shop, long Complaint, string Category, int From, int To, DateTimeOffset Due);

/// <summary>
/// Why a change was refused: 404 (not found) or 400 (anything else). <see cref="Text"/> is the reason as a code for the
/// dashboard; the message is the API's English, "field: reason".
/// </summary>
public sealed class ComplaintException(string field, Msg text, bool notFound = false)
    : Exception(field.Length == 0 ? EnglishText.Render(text) : $"{field}: {EnglishText.Render(text)}")
{
    public bool NotFound { get; } = notFound;

    /// <summary>The request field at fault, "" for none.</summary>
    public string Field { get; } = field;

    public Msg Text { get; } = text;
}

/// <summary>
/// 投诉台账: complaints of a shop in storage. Complaint events become complaints lazily: every read first turns the
/// shop's stored <c>complaint</c> events that have no complaint yet into open complaints (created at the event's time,
/// with the conversation and its inspection findings as evidence), so ingestion needs no hook and a replayed import
/// creates nothing twice ((shop, source_event) is unique). Each read also raises the stored escalation level where a
/// deadline has been breached further, adds a note saying so and returns the rises (<see cref="ComplaintEscalated"/>).
/// </summary>
public static class ComplaintBook
{
    public const string System = "system";

    /// <summary>Creates complaints for the shop's complaint events that have none; returns how many were created.</summary>
    public static async Task<int> SyncFromEvents(KefuDb db, string shop, CancellationToken ct = default)
    {
        var type = (short)EventType.Complaint;
        var complaints = db.Set<ComplaintRow>();
        var pending = await db.Events
            .Where(e => e.Shop == shop && e.Type == type && !complaints.Any(c => c.Shop == shop && c.SourceEvent == e.Id))
            .OrderBy(e => e.AtTicks).ThenBy(e => e.Id).ToListAsync(ct);
        foreach (var stored in pending)
        {
            var e = stored.ToEvent();
            ComplaintWords.TryCategory(e.Category, out var category);
            var row = new ComplaintRow
            {
                Shop = shop, SourceEvent = e.Id, Conversation = e.Conversation, Order = e.Order, Customer = e.Customer, Agent = e.Agent,
                Category = category.Id(), Text = e.Text, CreatedTicks = e.At.UtcTicks, CreatedOffsetMinutes = stored.OffsetMinutes,
                State = ComplaintState.Open.Id(),
            };
            db.Add(row);
            await db.SaveChangesAsync(ct);
            await AttachConversation(db, row, ct);
        }
        return pending.Count;
    }

    public static async Task<ComplaintView> Create(KefuDb db, string shop, NewComplaint request, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ComplaintWords.TryCategory(request.Category, out var category))
            throw new ComplaintException("category", new Msg(Codes.InputNotOneOf, request.Category, string.Join(", ", ComplaintWords.Categories)));
        if (string.IsNullOrWhiteSpace(request.Conversation) && string.IsNullOrWhiteSpace(request.Order))
            throw new ComplaintException("conversation", new Msg(Codes.EventComplaintNeeds));
        var at = request.At ?? now;
        if (at > now) throw new ComplaintException("at", new Msg(Codes.RefusedFuture, at.ToString("O", global::System.Globalization.CultureInfo.InvariantCulture)));
        var row = new ComplaintRow
        {
            Shop = shop, Conversation = Blank(request.Conversation), Order = Blank(request.Order), Customer = Blank(request.Customer),
            Agent = Blank(request.Agent), Category = category.Id(), Text = Blank(request.Text), CreatedTicks = at.UtcTicks,
            CreatedOffsetMinutes = (short)(at.Offset.Ticks / TimeSpan.TicksPerMinute), State = ComplaintState.Open.Id(),
        };
        db.Add(row);
        await db.SaveChangesAsync(ct);
        await AttachConversation(db, row, ct);
        return (await Get(db, shop, row.Id, now, ct)).View;
    }

    public static async Task<(IReadOnlyList<ComplaintView> Complaints, IReadOnlyList<ComplaintEscalated> Escalated)> List(
        KefuDb db, string shop, DateTimeOffset now, string? state = null, CancellationToken ct = default)
    {
        if (state is not null && !ComplaintWords.TryState(state, out _))
            throw new ComplaintException("state", new Msg(Codes.InputNotOneOf, state, string.Join(", ", ComplaintWords.States)));
        await SyncFromEvents(db, shop, ct);
        var rows = await db.Set<ComplaintRow>().Where(c => c.Shop == shop && (state == null || c.State == state))
            .OrderBy(c => c.CreatedTicks).ThenBy(c => c.Id).ToListAsync(ct);
        var calendar = await ShopSettings.CalendarOf(db, shop, ct);
        var policy = await ShopSettings.ComplaintPolicyOf(db, shop, ct);
        var ids = rows.Select(r => r.Id).ToList();
        var notes = (await db.Set<ComplaintNoteRow>().Where(n => ids.Contains(n.ComplaintId)).ToListAsync(ct)).ToLookup(n => n.ComplaintId);
        var evidence = (await db.Set<ComplaintEvidenceRow>().Where(n => ids.Contains(n.ComplaintId)).ToListAsync(ct)).ToLookup(n => n.ComplaintId);
        var views = new List<ComplaintView>();
        var escalated = new List<ComplaintEscalated>();
        foreach (var row in rows)
        {
            var clock = ComplaintClock.At(Times(row), policy, calendar, now);
            var rowNotes = notes[row.Id].OrderBy(n => n.AtTicks).ThenBy(n => n.Id).ToList();
            if (Escalate(db, row, clock, now) is { } rise)
            {
                escalated.Add(rise.Event);
                rowNotes.Add(rise.Note);
            }
            views.Add(new ComplaintView(row, clock, calendar, rowNotes, evidence[row.Id].OrderBy(e => e.Id).ToList()));
        }
        await db.SaveChangesAsync(ct);
        return (views, escalated);
    }

    public static async Task<(ComplaintView View, IReadOnlyList<ComplaintEscalated> Escalated)> Get(KefuDb db, string shop, long id, DateTimeOffset now, CancellationToken ct = default)
    {
        await SyncFromEvents(db, shop, ct);
        var row = await db.Set<ComplaintRow>().SingleOrDefaultAsync(c => c.Shop == shop && c.Id == id, ct)
            ?? throw new ComplaintException("", new Msg(Codes.RefusedNoComplaint, id, shop), notFound: true);
        var calendar = await ShopSettings.CalendarOf(db, shop, ct);
        var policy = await ShopSettings.ComplaintPolicyOf(db, shop, ct);
        var clock = ComplaintClock.At(Times(row), policy, calendar, now);
        var rise = Escalate(db, row, clock, now);
        await db.SaveChangesAsync(ct);
        var notes = await db.Set<ComplaintNoteRow>().Where(n => n.ComplaintId == id).OrderBy(n => n.AtTicks).ThenBy(n => n.Id).ToListAsync(ct);
        var evidence = await db.Set<ComplaintEvidenceRow>().Where(n => n.ComplaintId == id).OrderBy(n => n.Id).ToListAsync(ct);
        return (new ComplaintView(row, clock, calendar, notes, evidence), rise is null ? [] : [rise.Event]);
    }

    /// <summary>Moves a complaint to <paramref name="to"/> at <paramref name="now"/>, with an optional note; refuses moves the workflow does not allow.</summary>
    public static async Task<ComplaintView> Move(KefuDb db, string shop, long id, string to, string author, string? note, DateTimeOffset now, CancellationToken ct = default)
    {
        if (!ComplaintWords.TryState(to, out var target))
            throw new ComplaintException("to", new Msg(Codes.InputNotOneOf, to, string.Join(", ", ComplaintWords.States)));
        var row = await db.Set<ComplaintRow>().SingleOrDefaultAsync(c => c.Shop == shop && c.Id == id, ct)
            ?? throw new ComplaintException("", new Msg(Codes.RefusedNoComplaint, id, shop), notFound: true);
        ComplaintWords.TryState(row.State, out var from);
        ComplaintTimes times;
        try
        {
            times = ComplaintWorkflow.Apply(Times(row), from, target, now);
        }
        catch (InvalidOperationException)
        {
            throw new ComplaintException("to", new Msg(Codes.RefusedMove, new Ref(RefKind.ComplaintState, from.Id()), new Ref(RefKind.ComplaintState, target.Id()),
                string.Join(", ", ComplaintWorkflow.Next(from).Select(s => s.Id()))));
        }
        row.State = target.Id();
        row.RespondedTicks = times.Responded?.UtcTicks;
        row.ClosedTicks = times.Closed?.UtcTicks;
        db.Add(new ComplaintNoteRow
        {
            ComplaintId = id, AtTicks = now.UtcTicks, Author = author, FromState = from.Id(), ToState = target.Id(),
            Text = string.IsNullOrWhiteSpace(note) ? $"{from.Name()} → {target.Name()}" : note.Trim(),
        });
        await db.SaveChangesAsync(ct);
        return (await Get(db, shop, id, now, ct)).View;
    }

    public static async Task<ComplaintView> AddNote(KefuDb db, string shop, long id, string author, string text, DateTimeOffset now, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ComplaintException("text", new Msg(Codes.RefusedEmptyNote));
        if (!await db.Set<ComplaintRow>().AnyAsync(c => c.Shop == shop && c.Id == id, ct))
            throw new ComplaintException("", new Msg(Codes.RefusedNoComplaint, id, shop), notFound: true);
        db.Add(new ComplaintNoteRow { ComplaintId = id, AtTicks = now.UtcTicks, Author = author, Text = text.Trim() });
        await db.SaveChangesAsync(ct);
        return (await Get(db, shop, id, now, ct)).View;
    }

    public static ComplaintTimes Times(ComplaintRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        ComplaintWords.TryCategory(row.Category, out var category);
        return new ComplaintTimes(category, Instant(row.CreatedTicks, row.CreatedOffsetMinutes),
            row.RespondedTicks is { } r ? Instant(r, 0) : null, row.ClosedTicks is { } c ? Instant(c, 0) : null);
    }

    private static DateTimeOffset Instant(long utcTicks, short offsetMinutes) =>
        new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));

    private sealed record Rise(ComplaintEscalated Event, ComplaintNoteRow Note);

    private static Rise? Escalate(KefuDb db, ComplaintRow row, ComplaintClock clock, DateTimeOffset now)
    {
        if (clock.Escalation <= row.Escalation) return null;
        var from = row.Escalation;
        row.Escalation = clock.Escalation;
        var due = clock.Respond.Breached ? clock.Respond.Due : clock.Resolve!.Due;
        var note = new ComplaintNoteRow
        {
            ComplaintId = row.Id, AtTicks = now.UtcTicks, Author = System,
            Text = $"超时升级至 {clock.Escalation} 级 / escalated to level {clock.Escalation} (deadline {due:yyyy-MM-dd HH:mm:sszzz})",
        };
        db.Add(note);
        return new Rise(new ComplaintEscalated(row.Shop, row.Id, row.Category, from, clock.Escalation, due), note);
    }

    /// <summary>Links the complaint's conversation and the inspection findings in it (built-in rules, the shop's model) as evidence.</summary>
    private static async Task AttachConversation(KefuDb db, ComplaintRow row, CancellationToken ct)
    {
        if (row.Conversation is not { } conversation) return;
        db.Add(new ComplaintEvidenceRow { ComplaintId = row.Id, Kind = "conversation", Conversation = conversation });
        var events = (await db.Events.Where(e => e.Shop == row.Shop && e.Conversation == conversation).ToListAsync(ct)).Select(e => e.ToEvent()).ToList();
        if (events.Count > 0)
            foreach (var f in (await Learning.ShopModels.InspectorFor(db, row.Shop, ct)).Inspect(events).Findings)
                db.Add(new ComplaintEvidenceRow
                {
                    ComplaintId = row.Id, Kind = "finding", Conversation = conversation, Message = f.Message, Agent = f.Agent, Rule = f.Rule, Detail = f.Evidence,
                });
        await db.SaveChangesAsync(ct);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
