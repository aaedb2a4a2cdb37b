using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Bootstrapper.Join;

/// <summary>
/// The local cluster's stand-in for a cloud metadata API: a text file with one join endpoint (<c>host:port</c>) per line,
/// written by control-plane nodes once their join service is up. A missing file means no control plane yet.
/// </summary>
public sealed class MetadataFileJoinEndpointSource : IJoinEndpointSource
{
    private readonly string _path;

    /// <summary>Creates the source.</summary>
    /// <param name="path">The metadata file.</param>
    public MetadataFileJoinEndpointSource(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> GetEndpointsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var lines = await File.ReadAllLinesAsync(_path, cancellationToken).ConfigureAwait(false);
            return lines.Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        }
        catch (FileNotFoundException)
        {
            return [];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }
}
