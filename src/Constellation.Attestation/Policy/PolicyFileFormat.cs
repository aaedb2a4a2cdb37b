namespace Constellation.Attestation.Policy;

/// <summary>The encoding of a policy file.</summary>
public enum PolicyFileFormat
{
    /// <summary>
    /// The join service's JSON (<c>/var/config/attestationConfig</c>): one variant's config; the variant is fixed
    /// by the reader (the join service's <c>--attestation-variant</c>).
    /// </summary>
    Json = 0,

    /// <summary>
    /// YAML whose variant is selected by its key: either an <c>attestation:</c> section (<c>qemuVTPM: {...}</c>) or a
    /// whole <c>constellation-conf.yaml</c>. Allows changing the variant at run time.
    /// </summary>
    Yaml = 1,
}
