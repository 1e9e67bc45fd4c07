using System.Net;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using KefuScore.Web.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace KefuScore.Web.Tests;

/// <summary>
/// The bounded ingestion queue (issue 15, docs/decisions.md §48): past its bound a push is answered 503 with
/// Retry-After at once, instead of queueing until a timeout turns it into a 5xx.
/// </summary>
public sealed class IngestGateTests
{
    [Fact]
    public void Pushes_are_admitted_up_to_the_bound_and_refused_past_it_until_room_is_given_back()
    {
        var gate = new IngestGate(10_000, new FakeTimeProvider());
        Assert.True(gate.TryEnter(5_000, out var a));
        Assert.True(gate.TryEnter(5_000, out var b));
        Assert.Equal(10_000, gate.Queued);
        Assert.True(gate.Full);
        Assert.False(gate.TryEnter(1, out var refused));
        Assert.Null(refused);
        Assert.Equal(1, gate.Rejected);
        a.Done();
        a.Dispose(); // once only: the room of a ticket comes back once
        Assert.Equal(5_000, gate.Queued);
        Assert.True(gate.TryEnter(4_000, out var c));
        Assert.False(gate.TryEnter(1_001, out _));
        b.Dispose();
        c.Dispose();
        Assert.Equal(0, gate.Queued);
    }

    [Fact]
    public void A_push_larger_than_the_whole_bound_is_admitted_when_nothing_waits()
    {
        var gate = new IngestGate(100, new FakeTimeProvider());
        Assert.True(gate.TryEnter(250, out var big));
        Assert.False(gate.TryEnter(1, out _));
        big.Done();
        Assert.True(gate.TryEnter(250, out _));
    }

    [Fact]
    public void Retry_after_is_the_queue_over_the_last_commit_rate_between_1_and_30_seconds()
    {
        var clock = new FakeTimeProvider();
        var gate = new IngestGate(100_000, clock);
        // Nothing committed yet: a short wait.
        Assert.True(gate.TryEnter(40_000, out var first));
        Assert.Equal(2, gate.RetryAfterSeconds());
        // 10,000 events committed over a 5 s window: 2,000 events/s.
        Assert.True(gate.TryEnter(10_000, out var done));
        done.Done();
        clock.Advance(TimeSpan.FromSeconds(5));
        // 40,000 waiting ÷ 2,000/s = 20 s.
        Assert.Equal(20, gate.RetryAfterSeconds());
        Assert.True(gate.TryEnter(50_000, out var more));
        Assert.Equal(30, gate.RetryAfterSeconds()); // 45 s, capped
        more.Dispose();
        first.Dispose();
        Assert.True(gate.TryEnter(100, out _));
        Assert.Equal(1, gate.RetryAfterSeconds()); // 0.05 s, at least 1
    }

    [Theory]
    [InlineData(null, IngestGate.DefaultMaxQueuedEvents)]
    [InlineData("2000", 2000)]
    [InlineData("0", IngestGate.DefaultMaxQueuedEvents)]
    [InlineData("-5", IngestGate.DefaultMaxQueuedEvents)]
    [InlineData("many", IngestGate.DefaultMaxQueuedEvents)]
    public void The_bound_comes_from_configuration(string? value, int expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection([new("Kefu:Ingest:MaxQueuedEvents", value)]).Build();
        Assert.Equal(expected, IngestGate.From(config, TimeProvider.System).MaxQueuedEvents);
    }

    [Fact]
    public void Whatever_pushes_come_and_go_the_queue_never_passes_the_bound_except_for_one_lone_push() =>
        Prop.ForAll(Gen.Choose(1, 3_000).ListOf().ToArbitrary(), Gen.Choose(500, 5_000).ToArbitrary(), (sizes, bound) =>
        {
            var gate = new IngestGate(bound, new FakeTimeProvider());
            var held = new List<IngestGate.Ticket>();
            foreach (var (size, i) in sizes.Select((s, i) => (s, i)))
            {
                // Every third step gives back the oldest admission, as a commit would.
                if (i % 3 == 2 && held.Count > 0)
                {
                    held[0].Done();
                    held.RemoveAt(0);
                }
                var before = gate.Queued;
                var admitted = gate.TryEnter(size, out var ticket);
                Assert.Equal(before == 0 || before + size <= bound, admitted);
                if (ticket is not null) held.Add(ticket);
                Assert.True(gate.Queued <= bound || held.Count == 1, $"{gate.Queued} queued in {held.Count} pushes past the bound {bound}");
            }
            foreach (var t in held) t.Dispose();
            Assert.Equal(0, gate.Queued);
        }).QuickCheckThrowOnFailure();
}

/// <summary>A single server with a full ingestion queue answers 503 with Retry-After and stores nothing of the push.</summary>
public sealed class IngestOverloadApiTests(KefuServer server) : IClassFixture<KefuServer>
{
    private const string Lines = """
        {"type":"message","id":"m1","shop":"busy","conversation":"c1","customer":"u1","sender":"customer","at":"2026-11-20T10:00:00+08:00","text":"在吗?"}
        {"type":"message","id":"m2","shop":"busy","conversation":"c1","sender":"agent","agent":"a1","at":"2026-11-20T10:02:30+08:00","text":"您好,在的"}
        """;

    [Fact]
    public async Task A_full_queue_answers_503_with_retry_after_and_the_same_push_is_stored_once_there_is_room()
    {
        var client = server.Client();
        var gate = server.Services.GetRequiredService<IngestGate>();
        Assert.True(gate.TryEnter(gate.MaxQueuedEvents, out var filler));
        using (filler)
        {
            using var busy = await client.PostAsync("/api/v1/events", new StringContent(Lines, Encoding.UTF8, "application/x-ndjson"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            var seconds = busy.Headers.RetryAfter?.Delta?.TotalSeconds;
            Assert.InRange(seconds ?? 0, 1, IngestGate.MaxRetrySeconds);
            var error = JsonDocument.Parse(await busy.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
            Assert.Contains("send the same request again after", error, StringComparison.Ordinal);
        }
        // Nothing of the refused push was stored: sent again, all of it is accepted.
        using var again = await client.PostAsync("/api/v1/events", new StringContent(Lines, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((2L, 0L), (body.GetProperty("accepted").GetInt64(), body.GetProperty("duplicates").GetInt64()));
        Assert.Equal(0, gate.Queued);
    }
}
