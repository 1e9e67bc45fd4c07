using System.Buffers;
using System.Text.Json;
using KefuScore.App.Reading;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Events;

/// <summary>A rejected line of a request: 1-based line (NDJSON) or element (JSON array), field and reason.</summary>
internal sealed record RejectedItem(long Line, string Field, string Reason);

/// <summary>
/// The answer to a push: events stored, duplicates ignored, lines rejected (the first <see cref="EventsApi.MaxListed"/>;
/// <see cref="RejectedCount"/> counts them all, so a 10 MiB body of bad lines cannot make an answer of hundreds of MB).
/// </summary>
internal sealed record IngestResponse(long Accepted, long Duplicates, IReadOnlyList<RejectedItem> Rejected)
{
    [System.Text.Json.Serialization.JsonPropertyName("rejected_count")]
    public long RejectedCount { get; init; } = Rejected.Count;
}

/// <summary>The answer to an admin's delete: how many events went.</summary>
internal sealed record DeleteResponse(long Deleted);

/// <summary>
/// <c>POST /api/v1/events</c>: NDJSON or a JSON array of SPEC §3 events. A request is atomic: its valid events are
/// committed before the answer. 400 when nothing in it is valid, 403 when an event names a shop the key does not cover
/// (or an unknown shop, which only a key covering every shop creates), 413 above <see cref="ServerSettings.MaxEventsBody"/>,
/// 503 with <c>Retry-After</c> when the ingestion queue is full (<see cref="IngestGate"/>).
/// </summary>
internal static class EventsApi
{
    /// <summary>Rejected lines listed in one answer; the rest are counted in <c>rejected_count</c>.</summary>
    internal const int MaxListed = 100;

    /// <summary>Most ids one delete may name.</summary>
    internal const int MaxDeleteIds = 10_000;

    public static void MapEventsApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/events", Post)
            .RequireNeed(Need.ManageShop).WithName("PostEvents").WithSummary("Push events (NDJSON or a JSON array); atomic per request")
            .WithDescription("The body is NDJSON (one SPEC §3 event object a line) or a JSON array of such objects, whatever the Content-Type says; at most 10 MiB.")
            .Produces<IngestResponse>().Produces<IngestResponse>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status401Unauthorized).Produces<ApiError>(StatusCodes.Status403Forbidden)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge).Produces<ApiError>(StatusCodes.Status429TooManyRequests)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(Credentials.CredentialLimits.EventsPolicy);
        api.MapDelete("/shops/{shop}/events", Delete).RequireNeed(Need.Admin)
            .WithName("DeleteEvents").WithSummary("Admin: delete a shop's events by id or time range; their conversations' facts are recomputed")
            .WithDescription("ids=a,b,c (at most 10,000) and/or from=INSTANT & to=INSTANT (from inclusive, to exclusive, either may be left out). Only an admin: a key covering every shop or a signed-in admin.")
            .Produces<DeleteResponse>().Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status401Unauthorized).Produces<ApiError>(StatusCodes.Status403Forbidden).Produces<ApiError>(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Delete(HttpContext http, KefuDb db, EventStore store, ShopChanges changes, string shop,
        string? ids, string? from, string? to, CancellationToken ct)
    {
        var grant = ApiKeyFilter.Grant(http);
        if (!grant.AllShops || grant.AgentOf is not null)
            return Results.Json(new ApiError("deleting events is for an admin: a key covering every shop, or a signed-in admin"), statusCode: StatusCodes.Status403Forbidden);
        if (!await db.Shops.AnyAsync(s => s.Id == shop, ct)) return Results.Json(new ApiError($"shop '{shop}' is not known"), statusCode: StatusCodes.Status404NotFound);
        List<string>? idList = null;
        if (ids is not null)
        {
            idList = [.. ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];
            if (idList.Count == 0) return Bad("ids: name at least one event id (ids=a,b,c)");
            if (idList.Count > MaxDeleteIds) return Bad($"ids: {idList.Count} ids, more than the limit of {MaxDeleteIds} per request");
        }
        DateTimeOffset? fromAt = null, toAt = null;
        if (from is not null)
        {
            if (!Timestamp.TryParse(from, out var f)) return Bad($"from: {EventParser.Quoted(from)} is not an ISO 8601 instant with an offset or Z");
            fromAt = f;
        }
        if (to is not null)
        {
            if (!Timestamp.TryParse(to, out var t)) return Bad($"to: {EventParser.Quoted(to)} is not an ISO 8601 instant with an offset or Z");
            toAt = t;
        }
        if (idList is null && fromAt is null && toAt is null) return Bad("name the events to delete: ids=a,b,c and/or from= and to=");
        var deleted = await store.Delete(shop, idList, fromAt, toAt, ct);
        // In a cluster the shop's grain tells every silo whose pages watch the shop; on one server, this one.
        if (deleted > 0 && http.RequestServices.GetService<IGrainFactory>() is { } grains) await grains.GetGrain<Cluster.IShopGrain>(shop).Touch(ShopChange.Events);
        else if (deleted > 0) changes.Raise([shop]);
        return Results.Ok(new DeleteResponse(deleted));
    }

    private static IResult Bad(string message) => Results.Json(new ApiError(message), statusCode: StatusCodes.Status400BadRequest);

    private static async Task<IResult> Post(HttpContext http, KefuDb db, EventStore store, ShopChanges changes, CancellationToken ct)
    {
        var grant = ApiKeyFilter.Grant(http);
        // A signed-in user's cookie never pushes events: a page elsewhere could post with it (CSRF). Keys only.
        if (grant.IsUser) return Results.Json(new ApiError("pushing events needs an API key: Authorization: Bearer <key>"), statusCode: StatusCodes.Status403Forbidden);
        // A full queue refuses before the body is read (a silo's gate bounds its grains' writes, so only one server does).
        var gate = http.RequestServices.GetRequiredService<IngestGate>();
        var cluster = http.RequestServices.GetService<Cluster.ClusterIngest>();
        if (cluster is null && gate.Full) return gate.Busy(http);
        // The body goes into a pooled buffer: a fresh array per request (1–2 MB for 5,000 events) lands on the large
        // object heap and brings on a full collection every few requests.
        var body = await ReadBody(http.Request, ct);
        if (body is null)
            return Results.Json(new ApiError($"the request body is larger than {ServerSettings.MaxEventsBody >> 20} MiB: send fewer events per request"),
                statusCode: StatusCodes.Status413PayloadTooLarge);
        List<ChatEvent> events;
        List<RejectedItem> rejected;
        long rejectedCount;
        try
        {
            (events, rejected, rejectedCount) = Parse(new ArraySegment<byte>(body.Value.Buffer, 0, body.Value.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body.Value.Buffer);
        }
        if (events.Count == 0)
        {
            if (rejected.Count == 0) return Results.Json(new IngestResponse(0, 0, [new RejectedItem(0, "", "the request holds no events")]), statusCode: StatusCodes.Status400BadRequest);
            return Results.Json(new IngestResponse(0, 0, rejected) { RejectedCount = rejectedCount }, statusCode: StatusCodes.Status400BadRequest);
        }

        var shops = events.Select(e => e.Shop).Distinct(StringComparer.Ordinal).ToList();
        foreach (var shop in shops)
            if (!grant.Covers(shop)) return ApiKeyFilter.Forbidden(shop);
        if (!grant.AllShops)
        {
            var known = await db.Shops.Where(s => shops.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
            foreach (var shop in shops.Except(known, StringComparer.Ordinal))
                return Results.Json(new ApiError($"shop '{shop}' is not known; only a key covering every shop creates shops"), statusCode: StatusCodes.Status403Forbidden);
        }

        // In a cluster each shop's part goes to the shop's grain, which raises the change where it commits and is
        // refused there when the grain's silo has too much waiting.
        if (cluster is not null)
        {
            var parts = await cluster.Ingest(events, ct);
            if (parts.BusyShops > 0)
                return IngestGate.Busy(http, parts.RetryAfter, parts.BusyShops == shops.Count
                    ? $"the server is busy: the silos writing these shops have more events waiting than they take; nothing of this request was stored"
                    : $"the server is busy: {parts.BusyShops} of the {shops.Count} shops of this request were refused by the silos writing them, " +
                      $"the others' events were stored ({parts.Accepted} accepted, {parts.Duplicates} duplicates, which come back as duplicates)");
            return Results.Ok(new IngestResponse(parts.Accepted, parts.Duplicates, rejected) { RejectedCount = rejectedCount });
        }
        if (!gate.TryEnter(events.Count, out var ticket)) return gate.Busy(http);
        IngestResult result;
        using (ticket)
        {
            result = await store.Ingest(events, ct);
            ticket.Done();
        }
        changes.Raise(shops);
        return Results.Ok(new IngestResponse(result.Accepted, result.Duplicates, rejected) { RejectedCount = rejectedCount });
    }

    /// <summary>
    /// The body in a buffer rented from <see cref="ArrayPool{T}.Shared"/> (the caller returns it), or null when it is
    /// over the limit (by Content-Length, or by what arrives).
    /// </summary>
    private static async Task<(byte[] Buffer, int Length)?> ReadBody(HttpRequest request, CancellationToken ct)
    {
        const int limit = (int)ServerSettings.MaxEventsBody;
        if (request.ContentLength > limit) return null;
        var buffer = ArrayPool<byte>.Shared.Rent((int)(request.ContentLength ?? (1 << 16)) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var n = await request.Body.ReadAsync(buffer.AsMemory(length), ct);
                if (n == 0) return (buffer, length);
                length += n;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Events and rejected lines (the first <see cref="MaxListed"/>, and how many in all); a JSON array is read element
    /// by element, each element numbered as a line.
    /// </summary>
    internal static (List<ChatEvent> Events, List<RejectedItem> Rejected, long RejectedCount) Parse(ArraySegment<byte> body)
    {
        var events = new List<ChatEvent>();
        var rejected = new List<RejectedItem>();
        Stream lines = new MemoryStream(body.Array!, body.Offset, body.Count, writable: false);
        var first = body.AsSpan().IndexOfAnyExcept(" \t\r\n"u8);
        if (first >= 0 && body[first] == (byte)'[')
        {
            try
            {
                using var doc = JsonDocument.Parse(body.AsMemory());
                using var ndjson = new MemoryStream();
                foreach (var element in doc.RootElement.EnumerateArray())
                {
                    // One element per line: raw JSON text has no bare newlines outside strings once re-serialised.
                    ndjson.Write(JsonSerializer.SerializeToUtf8Bytes(element));
                    ndjson.WriteByte((byte)'\n');
                }
                lines = new MemoryStream(ndjson.ToArray(), writable: false);
            }
            catch (JsonException e)
            {
                rejected.Add(new RejectedItem(0, "", $"not a JSON array of events: {e.Message}"));
                return (events, rejected, 1);
            }
        }
        using var stream = lines;
        long count = 0;
        foreach (var item in EventFiles.Read(stream, EventFileFormat.JsonLines, "request"))
        {
            if (item.Event is { } e) events.Add(e);
            else if (item.Rejected is { } r && ++count <= MaxListed) rejected.Add(new RejectedItem(r.Line, r.Field, r.Reason));
        }
        return (events, rejected, count);
    }
}
