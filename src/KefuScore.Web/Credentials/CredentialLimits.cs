using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;

namespace KefuScore.Web.Credentials;

/// <summary>
/// How fast credentials may be tried and events pushed, per minute, from configuration (<c>Kefu:RateLimits:*</c>):
/// failed sign-ins per address and user name (and four times that per address, across names), failed API keys per
/// address, and event pushes per API key. Past a limit the answer is 429 with <c>Retry-After</c>.
/// </summary>
public sealed record CredentialLimits(int SignInFailures, int KeyFailures, int EventPushes)
{
    public const string EventsPolicy = "kefu-events";

    public static CredentialLimits From(IConfiguration config) => new(
        Read(config, "SignInFailuresPerMinute", 5), Read(config, "KeyFailuresPerMinute", 20), Read(config, "EventsPerMinute", 6000));

    private static int Read(IConfiguration config, string name, int fallback) =>
        int.TryParse(config[$"Kefu:RateLimits:{name}"], CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;
}

/// <summary>
/// Counts failed credentials in fixed one-minute windows (System.Threading.RateLimiting, as ASP.NET Core's limiter),
/// so that guessing is slowed where it happens. Only failures count: a shop's staff signing in from one office address
/// are never held up by each other's success, and a wrong guess from one address never locks the account for
/// everyone else (no account lockout: docs/security.md).
/// </summary>
public sealed class CredentialThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public CredentialThrottle(CredentialLimits limits)
    {
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, k => new FixedWindowRateLimiterOptions
        {
            PermitLimit = k[0] switch { 'u' => limits.SignInFailures, 'i' => limits.SignInFailures * 4, _ => limits.KeyFailures },
            Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
        }));
    }

    /// <summary>Whether sign-ins for <paramref name="user"/> from <paramref name="address"/> wait, and for how long.</summary>
    public bool SignInBlocked(string address, string user, out TimeSpan retryAfter) =>
        Blocked(UserKey(address, user), out retryAfter) || Blocked("i" + address, out retryAfter);

    public void SignInFailed(string address, string user)
    {
        Count(UserKey(address, user));
        Count("i" + address);
    }

    public bool KeyBlocked(string address, out TimeSpan retryAfter) => Blocked("k" + address, out retryAfter);

    public void KeyFailed(string address) => Count("k" + address);

    private bool Blocked(string key, out TimeSpan retryAfter)
    {
        // Zero permits asks whether any are left, without taking one.
        using var lease = _limiter.AttemptAcquire(key, 0);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        return !lease.IsAcquired;
    }

    private void Count(string key) => _limiter.AttemptAcquire(key, 1).Dispose();

    // The name is hashed so that what strangers type as a user name is not kept in memory as it is.
    private static string UserKey(string address, string user) =>
        "u" + address + "|" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(user.Trim().ToUpperInvariant())), 0, 8);

    public void Dispose() => _limiter.Dispose();

    /// <summary>The address a request came from ("-" when the host does not know it).</summary>
    public static string AddressOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "-";

    /// <summary>429 with <c>Retry-After</c> in whole seconds (at least 1) and one sentence saying why.</summary>
    public static IResult TooMany(HttpContext http, TimeSpan retryAfter, string why)
    {
        var seconds = RetrySeconds(retryAfter);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Json(new ApiError($"{why}; try again in {seconds} s"), statusCode: StatusCodes.Status429TooManyRequests);
    }

    public static int RetrySeconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
}

/// <summary>Registers the limits, the throttle and the per-key limit on event pushes (one line in the host).</summary>
public static class CredentialServices
{
    public static IServiceCollection AddCredentialLimits(this IServiceCollection services, IConfiguration config)
    {
        var limits = CredentialLimits.From(config);
        services.AddSingleton(limits);
        services.AddSingleton<CredentialThrottle>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var seconds = CredentialThrottle.RetrySeconds(context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.Response.WriteAsJsonAsync(new ApiError($"more than {limits.EventPushes} pushes a minute with this API key; try again in {seconds} s"), ct);
            };
            // Per key (its hash: the limiter's table holds no key in clear); a request without one counts by address.
            o.AddPolicy(CredentialLimits.EventsPolicy, http =>
            {
                var header = http.Request.Headers.Authorization.ToString();
                var partition = header.Length > 0 ? "k" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(header))) : "a" + CredentialThrottle.AddressOf(http);
                return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.EventPushes, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
                });
            });
        });
        return services;
    }
}
