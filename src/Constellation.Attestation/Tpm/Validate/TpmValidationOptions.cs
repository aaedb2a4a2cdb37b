using System;

namespace Constellation.Attestation.Tpm.Validate;

/// <summary>The policy <see cref="TpmQuoteValidator"/> applies to a verified quote: nonce binding and expected PCR values.</summary>
/// <remarks>Immutable once constructed; safe to share.</remarks>
public sealed class TpmValidationOptions
{
    private readonly MeasurementSet? _measurements;

    /// <summary>Creates options that bind a quote to <paramref name="expectedNonce"/>.</summary>
    /// <param name="expectedNonce">
    /// The qualifying data the quote must carry (<c>TPMS_ATTEST.extraData</c>), compared in constant time at exact length
    /// (copied). Always checked: a quote that is not bound to this exchange may be a replay. Pass an empty span for quotes
    /// made without qualifying data.
    /// </param>
    public TpmValidationOptions(ReadOnlySpan<byte> expectedNonce)
    {
        ExpectedNonce = expectedNonce.ToArray();
    }

    /// <summary>Shares a nonce nobody writes to (the validation path's own hash): no copy.</summary>
    internal TpmValidationOptions(ReadOnlyMemory<byte> expectedNonce, bool shared)
    {
        _ = shared;
        ExpectedNonce = expectedNonce;
    }

    /// <summary>Gets the qualifying data the quote must carry.</summary>
    public ReadOnlyMemory<byte> ExpectedNonce { get; }

    /// <summary>
    /// Gets the expected PCR values of the quote's bank (Constellation's measurements <c>M</c>): every enforced mismatch is a
    /// violation, every warn-only one a warning. <see langword="null"/> (the default) compares none and says nothing, for a
    /// check of the binding alone; <see cref="MeasurementSet.EmptyAllowed"/> compares none on purpose and warns.
    /// </summary>
    /// <exception cref="EmptyMeasurementsException">Set to an empty set other than <see cref="MeasurementSet.EmptyAllowed"/>.</exception>
    public MeasurementSet? Measurements
    {
        get => _measurements;
        init
        {
            if (value is { Count: 0, IsEmptyAllowed: false })
            {
                throw new EmptyMeasurementsException(
                    $"{nameof(TpmValidationOptions)}.{nameof(Measurements)}: expected at least one measurement, got none: a policy without measurements compares nothing and accepts the PCR values of any image (if that is intended, opt in with {nameof(MeasurementSet)}.{nameof(MeasurementSet.EmptyAllowed)})");
            }

            _measurements = value;
        }
    }
}
