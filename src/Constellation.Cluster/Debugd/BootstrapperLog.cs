using System;
using System.Collections.Generic;
using System.Threading.Channels;

namespace Constellation.Cluster.Debugd;

/// <summary>
/// The bootstrapper's recent output: the last <c>capacity</c> lines, and a live feed for each follower. A follower that
/// falls more than <see cref="FollowerBacklog"/> lines behind is ended with <see cref="DebugdException"/> (it is told,
/// never silently skipped ahead).
/// </summary>
/// <remarks>Thread safe: the output readers add while followers subscribe and leave.</remarks>
internal sealed class BootstrapperLog
{
    public const int FollowerBacklog = 4096;

    private readonly Queue<BootstrapperLogLine> _recent = new();
    private readonly HashSet<Channel<BootstrapperLogLine>> _followers = [];
    private readonly System.Threading.Lock _gate = new();
    private readonly int _capacity;

    public BootstrapperLog(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public void Add(BootstrapperLogLine line)
    {
        lock (_gate)
        {
            if (_recent.Count == _capacity)
            {
                _recent.Dequeue();
            }

            _recent.Enqueue(line);
            List<Channel<BootstrapperLogLine>>? behind = null;
            foreach (var follower in _followers)
            {
                if (!follower.Writer.TryWrite(line))
                {
                    (behind ??= []).Add(follower);
                }
            }

            foreach (var follower in behind ?? [])
            {
                _followers.Remove(follower);
                follower.Writer.TryComplete(new DebugdException(
                    $"bootstrapper log: the reader fell more than {FollowerBacklog} lines behind; read the log again"));
            }
        }
    }

    /// <summary>The kept lines and, atomically with them, a feed of every later line (no gap, no repeat).</summary>
    public (IReadOnlyList<BootstrapperLogLine> Recent, Follower Live) Follow()
    {
        var channel = Channel.CreateBounded<BootstrapperLogLine>(new BoundedChannelOptions(FollowerBacklog)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        lock (_gate)
        {
            _followers.Add(channel);
            return ([.. _recent], new Follower(this, channel));
        }
    }

    /// <summary>The kept lines.</summary>
    public IReadOnlyList<BootstrapperLogLine> Recent()
    {
        lock (_gate)
        {
            return [.. _recent];
        }
    }

    private void Leave(Channel<BootstrapperLogLine> channel)
    {
        lock (_gate)
        {
            _followers.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    /// <summary>One follower's feed; dispose to leave.</summary>
    public sealed class Follower(BootstrapperLog log, Channel<BootstrapperLogLine> channel) : IDisposable
    {
        public ChannelReader<BootstrapperLogLine> Lines => channel.Reader;

        public void Dispose() => log.Leave(channel);
    }
}
