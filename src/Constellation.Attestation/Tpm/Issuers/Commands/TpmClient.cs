using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tpm.Issuers.Commands;

/// <summary>
/// The TPM 2.0 commands an attester needs, over any <see cref="ITpmTransport"/>. Authorizations use the password
/// session with an empty password. Commands are serialized, so one client may be shared between threads.
/// </summary>
public sealed class TpmClient : IAsyncDisposable
{
    private const ushort NoSessions = 0x8001;
    private const ushort Sessions = 0x8002;

    // PCR_Read returns at most 8 digests per call (TPML_DIGEST); NV reads are chunked below every TPM's buffer.
    private const int NvChunk = 512;

    private const uint RcRetry = 0x922;
    private const uint RcTesting = 0x90A;
    private const uint RcYielded = 0x908;
    private const int MaxAttempts = 20;

    private readonly ITpmTransport _transport;
    private readonly bool _ownsTransport;
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Creates a client.</summary>
    /// <param name="transport">The transport.</param>
    /// <param name="ownsTransport">Whether disposing the client disposes the transport.</param>
    public TpmClient(ITpmTransport transport, bool ownsTransport = true)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _ownsTransport = ownsTransport;
    }

    /// <summary>TPM2_Startup. Returns <see langword="false"/> when the TPM was already started (TPM_RC_INITIALIZE).</summary>
    /// <param name="clear">CLEAR (true) or STATE (false).</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Whether this call started the TPM.</returns>
    public async ValueTask<bool> StartupAsync(bool clear = true, CancellationToken cancellationToken = default)
    {
        var parameters = new TpmWriter().WriteUInt16(clear ? (ushort)0 : (ushort)1).ToArray();
        var (rc, _) = await RawExecuteAsync(0x144, [], 0, parameters, 0, cancellationToken).ConfigureAwait(false);
        if (rc == TpmResponseCode.Initialize)
        {
            return false;
        }

        ThrowIfFailed("TPM2_Startup", rc);
        return true;
    }

    /// <summary>TPM2_GetRandom (may return fewer bytes than asked; loops until <paramref name="count"/> bytes).</summary>
    /// <param name="count">Bytes wanted.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Random bytes.</returns>
    public async ValueTask<byte[]> GetRandomAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new List<byte>(count);
        while (result.Count < count)
        {
            var want = (ushort)Math.Min(count - result.Count, 32);
            var response = await ExecuteAsync("TPM2_GetRandom", 0x17B, [], 0, new TpmWriter().WriteUInt16(want).ToArray(), 0, cancellationToken).ConfigureAwait(false);
            var reader = new TpmReader(response, "TPM2_GetRandom response");
            var bytes = reader.ReadSized("randomBytes").ToArray();
            reader.EnsureEnd();
            if (bytes.Length == 0)
            {
                throw new TpmCommandException("TPM2_GetRandom returned no bytes");
            }

            result.AddRange(bytes);
        }

        return [.. result];
    }

    /// <summary>TPM2_GetCapability(TPM_CAP_PCRS): the allocated PCR banks and their PCRs.</summary>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>One selection per allocated bank (banks with no PCR allocated are left out).</returns>
    public async ValueTask<ImmutableArray<TpmPcrSelection>> GetPcrBanksAsync(CancellationToken cancellationToken = default)
    {
        var parameters = new TpmWriter().WriteUInt32(5).WriteUInt32(0).WriteUInt32(1).ToArray();
        var response = await ExecuteAsync("TPM2_GetCapability", 0x17A, [], 0, parameters, 0, cancellationToken).ConfigureAwait(false);
        var reader = new TpmReader(response, "TPM2_GetCapability response");
        reader.ReadByte("moreData");
        var capability = reader.ReadUInt32("capabilityData.capability");
        if (capability != 5)
        {
            throw reader.Error("capabilityData.capability", "5 (TPM_CAP_PCRS)", capability.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var list = TpmPcrSelection.ReadList(ref reader);
        reader.EnsureEnd();
        return list.Where(s => !s.Indices.IsEmpty).ToImmutableArray();
    }

    /// <summary>TPM2_PCR_Read of every selected PCR of one bank (several commands when needed).</summary>
    /// <param name="selection">The bank and PCRs.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>PCR values by index.</returns>
    public async ValueTask<IReadOnlyDictionary<int, byte[]>> PcrReadAsync(TpmPcrSelection selection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var remaining = new SortedSet<int>(selection.Indices);
        var values = new SortedDictionary<int, byte[]>();
        while (remaining.Count > 0)
        {
            var request = new TpmPcrSelection(selection.Hash, remaining, selection.SizeOfSelect);
            var writer = new TpmWriter();
            TpmPcrSelection.WriteList(writer, [request]);
            var response = await ExecuteAsync("TPM2_PCR_Read", 0x17E, [], 0, writer.ToArray(), 0, cancellationToken).ConfigureAwait(false);
            var reader = new TpmReader(response, "TPM2_PCR_Read response");
            reader.ReadUInt32("pcrUpdateCounter");
            var returned = TpmPcrSelection.ReadList(ref reader);
            var count = reader.ReadUInt32("pcrValues.count");
            var indices = returned.Where(s => s.Hash == selection.Hash).SelectMany(s => s.Indices).Order().ToList();
            if (count != indices.Count || indices.Count == 0)
            {
                throw new TpmCommandException($"TPM2_PCR_Read returned {count} values for {indices.Count} selected PCRs of {TpmHash.ToDisplayName(selection.Hash)} (is the bank allocated?)");
            }

            foreach (var index in indices)
            {
                values[index] = reader.ReadSized($"pcrValues[{index}]").ToArray();
                remaining.Remove(index);
            }

            reader.EnsureEnd();
        }

        return values;
    }

    /// <summary>TPM2_PCR_Extend of one bank.</summary>
    /// <param name="pcr">The PCR index.</param>
    /// <param name="bank">The bank.</param>
    /// <param name="digest">The digest to extend (bank-sized).</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>A task.</returns>
    public async ValueTask PcrExtendAsync(int pcr, TpmAlgorithm bank, ReadOnlyMemory<byte> digest, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pcr);
        if (digest.Length != TpmHash.GetDigestSize(bank))
        {
            throw new ArgumentException($"Expected a {TpmHash.GetDigestSize(bank)}-byte digest for {TpmHash.ToDisplayName(bank)}.", nameof(digest));
        }

        var parameters = new TpmWriter().WriteUInt32(1).WriteAlgorithm(bank).WriteBytes(digest.Span).ToArray();
        await ExecuteAsync("TPM2_PCR_Extend", 0x182, [(uint)pcr], 1, parameters, 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>TPM2_CreatePrimary under a hierarchy with empty auth and the given template.</summary>
    /// <param name="hierarchy">The hierarchy, e.g. <see cref="TpmHandles.Owner"/>.</param>
    /// <param name="template">The public template, e.g. <see cref="TpmPublic.RsaAttestationKeyTemplate"/>.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The transient key; flush it with <see cref="FlushContextAsync"/>.</returns>
    public async ValueTask<TpmCreatedKey> CreatePrimaryAsync(uint hierarchy, TpmPublic template, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        var writer = new TpmWriter();
        writer.WriteUInt16(4).WriteUInt16(0).WriteUInt16(0); // TPM2B_SENSITIVE_CREATE: empty userAuth and data
        writer.WriteSized(template.RawBytes.Span);
        writer.WriteUInt16(0); // outsideInfo
        writer.WriteUInt32(0); // creationPCR
        var (handles, response) = await ExecuteWithHandlesAsync("TPM2_CreatePrimary", 0x131, [hierarchy], 1, writer.ToArray(), 1, cancellationToken).ConfigureAwait(false);
        var reader = new TpmReader(response, "TPM2_CreatePrimary response");
        var publicArea = reader.ReadSized("outPublic");
        var key = TpmPublic.Parse(publicArea);
        reader.ReadSized("creationData");
        reader.ReadSized("creationHash");
        reader.ReadUInt16("creationTicket.tag");
        reader.ReadUInt32("creationTicket.hierarchy");
        reader.ReadSized("creationTicket.digest");
        var name = reader.ReadSized("name").ToArray();
        reader.EnsureEnd();
        return new TpmCreatedKey(handles[0], key, name);
    }

    /// <summary>TPM2_ReadPublic.</summary>
    /// <param name="handle">A loaded or persistent object.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The key.</returns>
    public async ValueTask<TpmCreatedKey> ReadPublicAsync(uint handle, CancellationToken cancellationToken = default)
    {
        var response = await ExecuteAsync("TPM2_ReadPublic", 0x173, [handle], 0, [], 0, cancellationToken).ConfigureAwait(false);
        var reader = new TpmReader(response, "TPM2_ReadPublic response");
        var key = TpmPublic.Parse(reader.ReadSized("outPublic"));
        var name = reader.ReadSized("name").ToArray();
        reader.ReadSized("qualifiedName");
        reader.EnsureEnd();
        return new TpmCreatedKey(handle, key, name);
    }

    /// <summary>TPM2_Quote with the key's default scheme (inScheme NULL).</summary>
    /// <param name="keyHandle">The signing key.</param>
    /// <param name="qualifyingData">The nonce (at most 64 bytes).</param>
    /// <param name="selections">The PCRs to quote.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The TPMS_ATTEST bytes and the TPMT_SIGNATURE bytes.</returns>
    public async ValueTask<(byte[] Attest, byte[] Signature)> QuoteAsync(uint keyHandle, ReadOnlyMemory<byte> qualifyingData, IReadOnlyCollection<TpmPcrSelection> selections, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selections);
        var writer = new TpmWriter();
        writer.WriteSized(qualifyingData.Span).WriteAlgorithm(TpmAlgorithm.Null);
        TpmPcrSelection.WriteList(writer, selections);
        var response = await ExecuteAsync("TPM2_Quote", 0x158, [keyHandle], 1, writer.ToArray(), 0, cancellationToken).ConfigureAwait(false);
        var reader = new TpmReader(response, "TPM2_Quote response");
        var attest = reader.ReadSized("quoted").ToArray();
        var signatureStart = reader.Position;
        var signature = TpmSignature.Read(ref reader);
        reader.EnsureEnd();
        _ = signature;
        return (attest, response.AsSpan(signatureStart).ToArray());
    }

    /// <summary>TPM2_FlushContext.</summary>
    /// <param name="handle">A transient object or session.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>A task.</returns>
    public async ValueTask FlushContextAsync(uint handle, CancellationToken cancellationToken = default)
    {
        await ExecuteAsync("TPM2_FlushContext", 0x165, [], 0, new TpmWriter().WriteUInt32(handle).ToArray(), 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>TPM2_NV_ReadPublic: the data size of an NV index.</summary>
    /// <param name="index">The NV index.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The data size in bytes.</returns>
    public async ValueTask<int> NvReadSizeAsync(uint index, CancellationToken cancellationToken = default)
    {
        var response = await ExecuteAsync("TPM2_NV_ReadPublic", 0x169, [index], 0, [], 0, cancellationToken).ConfigureAwait(false);
        var reader = new TpmReader(response, "TPM2_NV_ReadPublic response");
        var nvPublic = reader.ReadSized("nvPublic");
        reader.ReadSized("nvName");
        reader.EnsureEnd();
        var inner = new TpmReader(nvPublic, "TPMS_NV_PUBLIC");
        inner.ReadUInt32("nvIndex");
        inner.ReadAlgorithm("nameAlg");
        inner.ReadUInt32("attributes");
        inner.ReadSized("authPolicy");
        var size = inner.ReadUInt16("dataSize");
        inner.EnsureEnd();
        return size;
    }

    /// <summary>TPM2_NV_Read of a whole NV index, authorized by the index itself (empty password).</summary>
    /// <param name="index">The NV index.</param>
    /// <param name="authHandle">The authorization handle; defaults to the index (owner-readable indices use <see cref="TpmHandles.Owner"/>).</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The data.</returns>
    public async ValueTask<byte[]> NvReadAsync(uint index, uint? authHandle = null, CancellationToken cancellationToken = default)
    {
        var size = await NvReadSizeAsync(index, cancellationToken).ConfigureAwait(false);
        var data = new byte[size];
        for (var offset = 0; offset < size; offset += NvChunk)
        {
            var chunk = (ushort)Math.Min(NvChunk, size - offset);
            var parameters = new TpmWriter().WriteUInt16(chunk).WriteUInt16((ushort)offset).ToArray();
            var response = await ExecuteAsync("TPM2_NV_Read", 0x14E, [authHandle ?? index, index], 1, parameters, 0, cancellationToken).ConfigureAwait(false);
            var reader = new TpmReader(response, "TPM2_NV_Read response");
            var bytes = reader.ReadSized("data");
            reader.EnsureEnd();
            if (bytes.Length != chunk)
            {
                throw new TpmCommandException($"TPM2_NV_Read returned {bytes.Length} bytes, expected {chunk}");
            }

            bytes.CopyTo(data.AsSpan(offset));
        }

        return data;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsTransport)
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }

        _lock.Dispose();
    }

    private static void ThrowIfFailed(string name, uint rc)
    {
        if (rc != TpmResponseCode.Success)
        {
            throw new TpmCommandException(name, rc);
        }
    }

    private async ValueTask<byte[]> ExecuteAsync(string name, uint commandCode, uint[] handles, int authorizations, byte[] parameters, int responseHandles, CancellationToken cancellationToken)
    {
        var (_, response) = await ExecuteWithHandlesAsync(name, commandCode, handles, authorizations, parameters, responseHandles, cancellationToken).ConfigureAwait(false);
        return response;
    }

    private async ValueTask<(uint[] Handles, byte[] Parameters)> ExecuteWithHandlesAsync(string name, uint commandCode, uint[] handles, int authorizations, byte[] parameters, int responseHandles, CancellationToken cancellationToken)
    {
        var (rc, body) = await RawExecuteAsync(commandCode, handles, authorizations, parameters, responseHandles, cancellationToken).ConfigureAwait(false);
        ThrowIfFailed(name, rc);
        var reader = new TpmReader(body, name + " response");
        var outHandles = new uint[responseHandles];
        for (var i = 0; i < responseHandles; i++)
        {
            outHandles[i] = reader.ReadUInt32($"handle[{i}]");
        }

        if (authorizations > 0)
        {
            var parameterSize = reader.ReadUInt32("parameterSize");
            // The session area after the parameters is a password acknowledgement; nothing in it needs checking.
            return (outHandles, reader.ReadBytes(checked((int)parameterSize), "parameters").ToArray());
        }

        return (outHandles, reader.ReadBytes(reader.Remaining, "parameters").ToArray());
    }

    private async ValueTask<(uint ResponseCode, byte[] Body)> RawExecuteAsync(uint commandCode, uint[] handles, int authorizations, byte[] parameters, int responseHandles, CancellationToken cancellationToken)
    {
        _ = responseHandles;
        var writer = new TpmWriter();
        writer.WriteUInt16(authorizations > 0 ? Sessions : NoSessions).WriteUInt32(0).WriteUInt32(commandCode);
        foreach (var handle in handles)
        {
            writer.WriteUInt32(handle);
        }

        if (authorizations > 0)
        {
            // Each password authorization: handle, empty nonce, attributes (continueSession), empty password.
            writer.WriteUInt32((uint)(9 * authorizations));
            for (var i = 0; i < authorizations; i++)
            {
                writer.WriteUInt32(TpmHandles.PasswordSession).WriteUInt16(0).WriteByte(1).WriteUInt16(0);
            }
        }

        writer.WriteBytes(parameters);
        var command = writer.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(command.AsSpan(2), (uint)command.Length);

        for (var attempt = 1; ; attempt++)
        {
            byte[] response;
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                response = await _transport.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _lock.Release();
            }

            var (rc, body) = ParseResponse(response, authorizations);
            // TPM_RC_RETRY, TPM_RC_TESTING and TPM_RC_YIELDED ask the caller to send the same command again.
            if (rc is RcRetry or RcTesting or RcYielded && attempt < MaxAttempts)
            {
                await Task.Delay(10 * attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return (rc, body);
        }
    }

    private static (uint ResponseCode, byte[] Body) ParseResponse(byte[] response, int authorizations)
    {
        var header = new TpmReader(response, "TPM response");
        var tag = header.ReadUInt16("tag");
        var size = header.ReadUInt32("responseSize");
        var rc = header.ReadUInt32("responseCode");
        if (size != response.Length)
        {
            throw new TpmTransportException($"TPM response: size field says {size} bytes, got {response.Length}");
        }

        if (rc == TpmResponseCode.Success && tag != (authorizations > 0 ? Sessions : NoSessions))
        {
            throw new TpmTransportException($"TPM response: tag: expected 0x{(authorizations > 0 ? Sessions : NoSessions):x4}, got 0x{tag:x4}");
        }

        return (rc, response.AsSpan(10).ToArray());
    }
}
