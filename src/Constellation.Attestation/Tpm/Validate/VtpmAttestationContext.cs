using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Constellation.Attestation.Tpm.Verify.EventLog;

namespace Constellation.Attestation.Tpm.Validate;

/// <summary>
/// What a vTPM variant hook sees of a document being validated: the raw pieces it needs to decide
/// which attestation key (AK) to trust and whether the VM is confidential. Nothing writes to these values afterwards,
/// so a hook may keep them.
/// </summary>
public sealed class VtpmAttestationContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="variant">The variant being validated.</param>
    /// <param name="instanceInfo">The document's <c>InstanceInfo</c> bytes (variant-specific JSON; empty for qemu-vtpm).</param>
    /// <param name="extraData"><c>SHA-256(userData ‖ nonce)</c> computed by the validator with its own nonce.</param>
    /// <param name="akPublicArea">The document's <c>ak_pub</c>: a TPMT_PUBLIC without size prefix.</param>
    /// <param name="akSubjectPublicKeyInfo">The AK from <c>ak_pub</c> as DER SubjectPublicKeyInfo.</param>
    /// <param name="akCertificate">The document's <c>ak_cert</c> (DER), or empty.</param>
    /// <param name="eventLog">The document's <c>event_log</c>, or empty.</param>
    public VtpmAttestationContext(
        AttestationVariant variant,
        ReadOnlySpan<byte> instanceInfo,
        ReadOnlySpan<byte> extraData,
        ReadOnlySpan<byte> akPublicArea,
        ReadOnlySpan<byte> akSubjectPublicKeyInfo,
        ReadOnlySpan<byte> akCertificate,
        ReadOnlySpan<byte> eventLog)
    {
        ArgumentNullException.ThrowIfNull(variant);
        Variant = variant;
        InstanceInfo = instanceInfo.ToArray();
        ExtraData = extraData.ToArray();
        AkPublicArea = akPublicArea.ToArray();
        AkSubjectPublicKeyInfo = akSubjectPublicKeyInfo.ToArray();
        AkCertificate = akCertificate.ToArray();
        EventLog = eventLog.ToArray();
    }

    /// <summary>
    /// Shares arrays nobody writes to (no copies): the validator passes what it decoded for this validation only, so a
    /// hook may still keep them.
    /// </summary>
    internal VtpmAttestationContext(
        AttestationVariant variant,
        ReadOnlyMemory<byte> instanceInfo,
        ReadOnlyMemory<byte> extraData,
        ReadOnlyMemory<byte> akPublicArea,
        ReadOnlyMemory<byte> akSubjectPublicKeyInfo,
        ReadOnlyMemory<byte> akCertificate,
        ReadOnlyMemory<byte> eventLog,
        bool shared)
    {
        _ = shared;
        Variant = variant;
        InstanceInfo = instanceInfo;
        ExtraData = extraData;
        AkPublicArea = akPublicArea;
        AkSubjectPublicKeyInfo = akSubjectPublicKeyInfo;
        AkCertificate = akCertificate;
        EventLog = eventLog;
    }

    /// <summary>Gets the variant being validated.</summary>
    public AttestationVariant Variant { get; }

    /// <summary>Gets the document's <c>InstanceInfo</c> bytes.</summary>
    public ReadOnlyMemory<byte> InstanceInfo { get; }

    /// <summary>Gets <c>SHA-256(userData ‖ nonce)</c>, computed with the validator's own nonce.</summary>
    public ReadOnlyMemory<byte> ExtraData { get; }

    /// <summary>Gets the AK public area (TPMT_PUBLIC) as sent in the document.</summary>
    public ReadOnlyMemory<byte> AkPublicArea { get; }

    /// <summary>Gets the AK as DER SubjectPublicKeyInfo (RSA: modulus and exponent, where a TPM exponent of 0 reads as 65537).</summary>
    public ReadOnlyMemory<byte> AkSubjectPublicKeyInfo { get; }

    /// <summary>Gets the AK certificate (DER) sent in the document, or empty.</summary>
    public ReadOnlyMemory<byte> AkCertificate { get; }

    /// <summary>Gets the TCG event log sent in the document, or empty.</summary>
    public ReadOnlyMemory<byte> EventLog { get; }

    /// <summary>
    /// Gets the platform state derived from the event log after it was replayed against the accepted quote, or
    /// <see langword="null"/> when the document has no event log. Set only for <see cref="IVtpmVariantHooks.CheckConfidentialVmAsync"/>.
    /// </summary>
    public GcePlatformState? PlatformState { get; init; }

    /// <summary>
    /// Records a reason a hook accepted the evidence only with reservations (e.g. collateral inside its grace period);
    /// the validator reports it in <see cref="AttestationValidationResult.Warnings"/>. Thread-safe.
    /// </summary>
    /// <param name="warning">The warning, naming what was accepted and why.</param>
    public void AddWarning(string warning)
    {
        ArgumentException.ThrowIfNullOrEmpty(warning);
        LazyInitializer.EnsureInitialized(ref _warnings).Enqueue(warning);
    }

    /// <summary>Gets the warnings hooks recorded, in the order they were added.</summary>
    public IReadOnlyCollection<string> Warnings => Volatile.Read(ref _warnings) is { IsEmpty: false } warnings ? warnings.ToArray() : [];

    /// <summary>Returns a context over the same values for the CVM check, with the replayed platform state and no warnings yet.</summary>
    internal VtpmAttestationContext WithPlatformState(GcePlatformState? platformState) =>
        new(Variant, InstanceInfo, ExtraData, AkPublicArea, AkSubjectPublicKeyInfo, AkCertificate, EventLog, shared: true) { PlatformState = platformState };

    // Created by the first warning: most validations record none.
    private ConcurrentQueue<string>? _warnings;
}
