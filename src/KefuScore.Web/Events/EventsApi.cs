using System.Text.Json;
using KefuScore.App.Reading;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.Web.Events;

/// <summary>A rejected line of a request: 1-based line (NDJSON) or element (JSON array), field and reason.</summary>
internal sealed record RejectedItem(long Line, string Field, string Reason);

/// <summary>The answer to a push: events stored, duplicates ignored, lines rejected.</summary>
internal sealed record IngestResponse(long Accepted, long Duplicates, IReadOnlyList<RejectedItem> Rejected);

/// <summary>
/// <c>POST /api/v1/events</c>: NDJSON or a JSON array of SPEC §3 events. A request is atomic: its valid events are
/// committed before the answer. 400 when nothing in it is valid, 403 when an event names a shop the key does not cover
/// (or an unknown shop, which only a key covering every shop creates), 413 above <see cref="ServerSettings.MaxEventsBody"/>.
/// </summary>
internal static class EventsApi
{
    public static void MapEventsApi(this IEndpointRouteBuilder api) =>
        api.MapPost("/events", Post)
            .WithName("PostEvents").WithSummary("Push events (NDJSON or a JSON array); atomic per request")
            .WithDescription("The body is NDJSON (one SPEC §3 event object a line) or a JSON array of such objects, whatever the Content-Type says; at most 10 MiB.")
            .Produces<IngestResponse>().Produces<IngestResponse>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status401Unauthorized).Produces<ApiError>(StatusCodes.Status403Forbidden)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge);

    private static async Task<IResult> Post(HttpContext http, KefuDb db, EventStore store, ShopChanges changes, CancellationToken ct)
    {
        var grant = ApiKeyFilter.Grant(http);
        // A signed-in user's cookie never pushes events: a page elsewhere could post with it (CSRF). Keys only.
        if (grant.IsUser) return Results.Json(new ApiError("pushing events needs an API key: Authorization: Bearer <key>"), statusCode: StatusCodes.Status403Forbidden);
        var body = await ReadBody(http.Request, ct);
        if (body is null)
            return Results.Json(new ApiError($"the request body is larger than {ServerSettings.MaxEventsBody >> 20} MiB: send fewer events per request"),
                statusCode: StatusCodes.Status413PayloadTooLarge);

        var (events, rejected) = Parse(body);
        if (events.Count == 0)
        {
            if (rejected.Count == 0) rejected.Add(new RejectedItem(0, "", "the request holds no events"));
            return Results.Json(new IngestResponse(0, 0, rejected), statusCode: StatusCodes.Status400BadRequest);
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

        var result = await store.Ingest(events, ct);
        changes.Raise(shops);
        return Results.Ok(new IngestResponse(result.Accepted, result.Duplicates, rejected));
    }

    /// <summary>The body, or null when it is over the limit (by Content-Length, or by what arrives).</summary>
    private static async Task<byte[]?> ReadBody(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > ServerSettings.MaxEventsBody) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > ServerSettings.MaxEventsBody) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>Events and rejected lines; a JSON array is read element by element, each element numbered as a line.</summary>
    internal static (List<ChatEvent> Events, List<RejectedItem> Rejected) Parse(byte[] body)
    {
        var events = new List<ChatEvent>();
        var rejected = new List<RejectedItem>();
        var lines = body;
        var first = Array.FindIndex(body, b => b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'));
        if (first >= 0 && body[first] == (byte)'[')
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                using var ndjson = new MemoryStream();
                foreach (var element in doc.RootElement.EnumerateArray())
                {
                    // One element per line: raw JSON text has no bare newlines outside strings once re-serialised.
                    ndjson.Write(JsonSerializer.SerializeToUtf8Bytes(element));
                    ndjson.WriteByte((byte)'\n');
                }
                lines = ndjson.ToArray();
            }
            catch (JsonException e)
            {
                rejected.Add(new RejectedItem(0, "", $"not a JSON array of events: {e.Message}"));
                return (events, rejected);
            }
        }
        using var stream = new MemoryStream(lines, writable: false);
        foreach (var item in EventFiles.Read(stream, EventFileFormat.JsonLines, "request"))
        {
            if (item.Event is { } e) events.Add(e);
            else if (item.Rejected is { } r) rejected.Add(new RejectedItem(r.Line, r.Field, r.Reason));
        }
        return (events, rejected);
    }
}
