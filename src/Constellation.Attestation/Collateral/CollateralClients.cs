using System;
using System.Net.Http;
using Constellation.Attestation.Diagnostics;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Tdx.Collateral;

namespace Constellation.Attestation.Collateral;

/// <summary>
/// The AMD KDS and Intel PCS clients over one cache and one resilient fetcher, built from
/// <see cref="CollateralClientOptions"/>. This is the one recipe: <c>AddConstellationCollateral</c> registers what it
/// builds, and hosts without dependency injection (the CLI) call <see cref="Create(CollateralClientOptions, AttestationMetrics?, TimeProvider?)"/>.
/// </summary>
/// <remarks>
/// Thread-safe. Cache lookups are recorded in the given <see cref="AttestationMetrics"/> (source <c>kds</c> or
/// <c>pcs</c>). Dispose to release the <see cref="HttpClient"/> when <see cref="Create(CollateralClientOptions, AttestationMetrics?, TimeProvider?)"/>
/// made it; a caller's client is left alone.
/// </remarks>
public sealed class CollateralClients : IDisposable
{
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(5);

    // The fetcher bounds each attempt itself; the client's own timeout must not cut in first.
    private static readonly TimeSpan HttpTimeoutMargin = TimeSpan.FromSeconds(5);

    private readonly HttpClient? _ownedHttpClient;

    private CollateralClients(
        ICollateralCache cache, CollateralFetcher fetcher, CachedCollateralSource kdsSource, CachedCollateralSource pcsSource, AmdKdsClient amdKds, IntelPcsClient intelPcs, HttpClient? ownedHttpClient)
    {
        Cache = cache;
        Fetcher = fetcher;
        KdsSource = kdsSource;
        PcsSource = pcsSource;
        AmdKds = amdKds;
        IntelPcs = intelPcs;
        _ownedHttpClient = ownedHttpClient;
    }

    /// <summary>Gets the cache both clients share.</summary>
    public ICollateralCache Cache { get; }

    /// <summary>Gets the fetcher both clients download through (its options decide retries and offline mode).</summary>
    public CollateralFetcher Fetcher { get; }

    /// <summary>Gets the cache-first source behind <see cref="AmdKds"/>.</summary>
    public CachedCollateralSource KdsSource { get; }

    /// <summary>Gets the cache-first source behind <see cref="IntelPcs"/> (same cache and fetcher as <see cref="KdsSource"/>).</summary>
    public CachedCollateralSource PcsSource { get; }

    /// <summary>Gets the AMD KDS client.</summary>
    public AmdKdsClient AmdKds { get; }

    /// <summary>Gets the Intel PCS client.</summary>
    public IntelPcsClient IntelPcs { get; }

    /// <summary>
    /// Creates the clients with an <see cref="HttpClient"/> of their own: connections recycled every few minutes (so DNS
    /// changes of KDS or PCS are seen), a client timeout a little above <see cref="CollateralClientOptions.AttemptTimeout"/>.
    /// </summary>
    /// <param name="options">The settings.</param>
    /// <param name="metrics">Where cache lookups are recorded, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for cache expiry and back-off; default system.</param>
    /// <returns>The clients; dispose them to release the HTTP client.</returns>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public static CollateralClients Create(CollateralClientOptions options, AttestationMetrics? metrics = null, TimeProvider? timeProvider = null)
    {
        ThrowIfInvalid(options);
        var http = new HttpClient(CreateHttpHandler()) { Timeout = HttpClientTimeout(options) };
        try
        {
            return Build(options, http, null, metrics, timeProvider, ownsHttpClient: true);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>Creates the clients over a caller's <see cref="HttpClient"/> (e.g. one from <c>IHttpClientFactory</c>).</summary>
    /// <param name="options">The settings.</param>
    /// <param name="httpClient">The client; its timeout should be at least <see cref="HttpClientTimeout"/>. Not disposed by these clients.</param>
    /// <param name="cache">The cache, or <see langword="null"/> for memory in front of the on-disk cache in <see cref="CollateralClientOptions.CacheDirectory"/>.</param>
    /// <param name="metrics">Where cache lookups are recorded, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for cache expiry and back-off; default system.</param>
    /// <returns>The clients.</returns>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public static CollateralClients Create(
        CollateralClientOptions options, HttpClient httpClient, ICollateralCache? cache = null, AttestationMetrics? metrics = null, TimeProvider? timeProvider = null)
    {
        ThrowIfInvalid(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        return Build(options, httpClient, cache, metrics, timeProvider, ownsHttpClient: false);
    }

    /// <summary>Gets the <see cref="HttpClient.Timeout"/> the clients' HTTP client needs: the attempt timeout plus a margin.</summary>
    /// <param name="options">The settings.</param>
    /// <returns>The timeout.</returns>
    public static TimeSpan HttpClientTimeout(CollateralClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AttemptTimeout + HttpTimeoutMargin;
    }

    /// <inheritdoc />
    public void Dispose() => _ownedHttpClient?.Dispose();

    /// <summary>The primary handler the collateral HTTP client uses (shared with the DI registration).</summary>
    internal static SocketsHttpHandler CreateHttpHandler() => new() { PooledConnectionLifetime = ConnectionLifetime };

    /// <summary>The first problem with <paramref name="options"/>, naming the setting, or <see langword="null"/> if they are usable.</summary>
    internal static string? FindProblem(CollateralClientOptions options)
    {
        if (options.AttemptTimeout <= TimeSpan.Zero)
        {
            return $"Constellation collateral: AttemptTimeout: expected a positive time, got {options.AttemptTimeout}";
        }

        if (options.MaxAttempts < 1)
        {
            return $"Constellation collateral: MaxAttempts: expected at least 1, got {options.MaxAttempts}";
        }

        foreach (var (name, uri) in new[] { ("AmdKdsBaseUri", options.AmdKdsBaseUri), ("IntelPcsBaseUri", options.IntelPcsBaseUri), ("IntelRootCaCrlUri", options.IntelRootCaCrlUri) })
        {
            if (uri is not { IsAbsoluteUri: true })
            {
                return $"Constellation collateral: {name}: expected an absolute URI, got \"{uri?.OriginalString}\"";
            }
        }

        return null;
    }

    private static void ThrowIfInvalid(CollateralClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (FindProblem(options) is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }
    }

    private static CollateralClients Build(
        CollateralClientOptions options, HttpClient http, ICollateralCache? cache, AttestationMetrics? metrics, TimeProvider? timeProvider, bool ownsHttpClient)
    {
        var time = timeProvider ?? TimeProvider.System;
        cache ??= TieredCollateralCache.CreateDefault(options.CacheDirectory);
        var fetcher = new CollateralFetcher(http, new CollateralFetcherOptions
        {
            AttemptTimeout = options.AttemptTimeout,
            MaxAttempts = options.MaxAttempts,
            Offline = options.Offline,
            TimeProvider = time,
        });
        var kdsSource = new CachedCollateralSource(cache, fetcher, time) { Metrics = metrics, MetricsSource = "kds" };
        var pcsSource = new CachedCollateralSource(cache, fetcher, time) { Metrics = metrics, MetricsSource = "pcs" };
        var amdKds = new AmdKdsClient(kdsSource, new AmdKdsOptions { BaseUri = options.AmdKdsBaseUri });
        var intelPcs = new IntelPcsClient(pcsSource, new IntelPcsOptions { BaseUri = options.IntelPcsBaseUri, RootCaCrlUri = options.IntelRootCaCrlUri });
        return new CollateralClients(cache, fetcher, kdsSource, pcsSource, amdKds, intelPcs, ownsHttpClient ? http : null);
    }
}
