using System;
using System.Diagnostics;
using Constellation.Attestation.Diagnostics;

namespace Constellation.Atls.Diagnostics;

/// <summary>
/// One aTLS handshake as telemetry sees it: an <c>atls.handshake</c> activity on
/// <see cref="AttestationTelemetry.ActivitySource"/> and, when <see cref="AtlsOptions.Metrics"/> is set, one
/// measurement of <see cref="AtlsMetrics.HandshakeDurationInstrument"/> (TLS handshake plus attestation,
/// tagged with the role and the outcome). Ends exactly once; disposing without an outcome records nothing. Belongs to
/// one handshake and is called along its async flow only, so it is not synchronised.
/// </summary>
internal sealed class AtlsHandshakeTelemetry : IDisposable
{
    private readonly AtlsMetrics? _metrics;
    private readonly string _role;
    private readonly long _started;
    private readonly Activity? _activity;
    private bool _ended;

    private AtlsHandshakeTelemetry(AtlsMetrics? metrics, string role, bool withActivity)
    {
        _metrics = metrics;
        _role = role;
        _started = Stopwatch.GetTimestamp();
        if (withActivity)
        {
            _activity = AttestationTelemetry.ActivitySource.StartActivity("atls.handshake");
            _activity?.SetTag("atls.role", role);
        }
    }

    /// <summary>Starts a client-side handshake (with an activity).</summary>
    public static AtlsHandshakeTelemetry Client(AtlsOptions options) => new(options.Metrics, "client", withActivity: true);

    /// <summary>Starts a server-side handshake (with an activity).</summary>
    public static AtlsHandshakeTelemetry Server(AtlsOptions options) => new(options.Metrics, "server", withActivity: true);

    /// <summary>
    /// Starts a server-side handshake that another stack drives (Kestrel): timed and recorded, but without an activity,
    /// because the handshake may be abandoned between our two callbacks and an activity would then never end.
    /// </summary>
    public static AtlsHandshakeTelemetry ServerWithoutActivity(AtlsOptions options) => new(options.Metrics, "server", withActivity: false);

    /// <summary>Records a handshake whose peer was accepted.</summary>
    /// <param name="peer">The verified peer, or <see langword="null"/> when this side verifies none.</param>
    public void Succeeded(AtlsPeer? peer)
    {
        if (End())
        {
            _metrics?.RecordHandshake(_role, Stopwatch.GetElapsedTime(_started), null);
            _activity?.SetTag("atls.peer.attested", peer?.IsAttested ?? false);
            if (peer?.Attestation is { } attestation)
            {
                _activity?.SetTag("attestation.variant", attestation.Variant.Name);
            }
        }
    }

    /// <summary>Records a failed handshake.</summary>
    /// <param name="failure">Why it failed (only its type reaches the telemetry: messages may name peer data).</param>
    public void Failed(Exception failure)
    {
        if (End())
        {
            _metrics?.RecordHandshake(_role, Stopwatch.GetElapsedTime(_started), failure);
            _activity?.SetStatus(ActivityStatusCode.Error, AttestationMetrics.ReasonOf(failure));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _activity?.Dispose();

    private bool End()
    {
        if (_ended)
        {
            return false;
        }

        _ended = true;
        return true;
    }
}
