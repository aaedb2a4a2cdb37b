using System;

namespace Constellation.Attestation.Policy;

/// <summary>Settings of an <see cref="UpdateableAttestationValidator"/>.</summary>
public sealed class UpdateableValidatorOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether a file source is watched for changes (directory events, which include
    /// the ConfigMap symlink swap). Default <see langword="true"/>; ignored for sources that are not files.
    /// </summary>
    public bool WatchForChanges { get; set; } = true;

    /// <summary>
    /// Gets or sets how long to wait after a change event before reading, so that a burst of events (a writer
    /// writing in several steps, a symlink swap) causes one reload. Default 100 ms.
    /// </summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gets or sets an interval at which the source is re-read even without events (a safety net for missed
    /// file-system events), or <see langword="null"/> for none. Default 1 minute.
    /// </summary>
    public TimeSpan? PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets a value indicating whether a reload may switch to another variant (an upgrade from one image
    /// or variant to another). When <see langword="false"/> (default), a policy for another variant is a failed reload.
    /// </summary>
    public bool AllowVariantChange { get; set; }

    /// <summary>Gets or sets the clock used for <see cref="ActivePolicy.LoadedAt"/>. Default the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
