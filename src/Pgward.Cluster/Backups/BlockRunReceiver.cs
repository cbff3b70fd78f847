using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Pgward.Cluster.Backups;

/// <summary>
/// Reads a <see cref="BlockRuns"/> answer and writes what it holds: directories and links as they come, each file run
/// decoded and written at its offset on the <see cref="RestoreWorkers"/> (several runs, of one file or several, at once),
/// while this reads the next ones from the network. The control file comes last, whatever the order it was sent in:
/// a restore cut in half leaves a directory PostgreSQL refuses to start. Every file asked for must come, a whole one
/// from its start to its end.
/// </summary>
internal sealed class BlockRunReceiver(RestorePaths paths, RestoreWorkers workers, Action<string> progress)
{
    private readonly Queue<(Task<int> Written, byte[] Run)> pending = new();
    private readonly List<(long Offset, byte[] Run, int Length)> control = [];
    private readonly byte[] scratch = new byte[8];
    private readonly HashSet<string> received = new(StringComparer.Ordinal);
    private long written;
    private long reported;
    private long controlSize = -1;
    private long controlNext;

    /// <summary>Bytes of files written (uncompressed).</summary>
    public long Written => written;

    /// <summary>Files written, whole or some of their pages.</summary>
    public int Files => received.Count;

    /// <param name="pages">The files asked for only in pages: written into as they are; every other file is created anew.</param>
    /// <param name="expected">The files asked for (whole or in pages): each must come.</param>
    public async Task ReceiveAsync(Stream body, IReadOnlySet<string> pages, IReadOnlyCollection<string> expected, string url, CancellationToken ct)
    {
        var input = new BufferedStream(body, 1 << 20);
        RunTarget? current = null;
        try
        {
            while (true)
            {
                var kind = await ReadByteAsync(input, url, ct);
                if (kind == BlockRuns.End)
                {
                    break;
                }
                var path = await ReadStringAsync(input, url, ct);
                switch (kind)
                {
                    case BlockRuns.Directory:
                        CreateDirectory(path);
                        break;
                    case BlockRuns.Symlink:
                        var target = paths.Locate(path);
                        BackupPuller.DeleteEntry(target);
                        File.CreateSymbolicLink(target, await ReadStringAsync(input, url, ct));
                        break;
                    case BlockRuns.FileRun:
                        current = await ReceiveRunAsync(input, path, current, pages, BlockRuns.BlockSize, url, ct);
                        break;
                    case BlockRuns.PageRun when pages.Contains(path):
                        current = await ReceiveRunAsync(input, path, current, pages, BlockRuns.PageSize, url, ct);
                        break;
                    case BlockRuns.PageRun:
                        throw new InvalidDataException($"the backup server sent pages of {path}, which was asked for whole");
                    default:
                        throw new InvalidDataException($"the backup server at {url} sent a record of kind {kind}: it speaks another version");
                }
            }
            Finish(current, check: true);
            current = null;
            while (pending.Count > 0)
            {
                await CompleteOldestAsync();
            }
        }
        finally
        {
            current?.Release();
            await DrainAsync();
        }
        if (expected.FirstOrDefault(p => !received.Contains(p) && p != RestorePlan.ControlFile) is { } missing)
        {
            throw new InvalidDataException($"the backup server sent no {missing}, which its manifest lists");
        }
        WriteControlFile();
    }

    /// <param name="unit">What each block of the run decodes to: <see cref="BlockRuns.BlockSize"/>, or
    /// <see cref="BlockRuns.PageSize"/> in a page run.</param>
    private async Task<RunTarget?> ReceiveRunAsync(BufferedStream input, string path, RunTarget? current, IReadOnlySet<string> pages, int unit,
        string url, CancellationToken ct)
    {
        await ReadExactlyAsync(input, scratch.AsMemory(0, 8), url, ct);
        var size = BinaryPrimitives.ReadInt64LittleEndian(scratch);
        await ReadExactlyAsync(input, scratch.AsMemory(0, 8), url, ct);
        var offset = BinaryPrimitives.ReadInt64LittleEndian(scratch);
        await ReadExactlyAsync(input, scratch.AsMemory(0, 4), url, ct);
        var length = BinaryPrimitives.ReadInt32LittleEndian(scratch);
        if (size < 0 || offset < 0 || offset % unit != 0 || offset > size || length < 0 || length > BlockRuns.MaxRunLength)
        {
            throw new InvalidDataException($"the backup server sent a run of {path} of {length} bytes at {offset} of {size}: it is damaged");
        }
        var run = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        // The run's buffer goes to the control file's list or to the queue of writes, which return it; until then, any
        // failure returns it here.
        var handedOver = false;
        try
        {
            await ReadExactlyAsync(input, run.AsMemory(0, length), url, ct);
            var firstBlock = (int)(offset / unit);
            var bytes = RunBytes(run.AsSpan(0, length), firstBlock, size, unit);
            if (path == RestorePlan.ControlFile)
            {
                if (unit != BlockRuns.BlockSize || (controlSize != -1 && controlSize != size) || offset != controlNext)
                {
                    throw new InvalidDataException($"the backup server sent {RestorePlan.ControlFile} out of order");
                }
                (controlSize, controlNext) = (size, offset + bytes);
                control.Add((offset, run, length));
                handedOver = true;
                return current;
            }
            if (current is null || current.Path != path)
            {
                Finish(current, check: true);
                current = null;
                if (!received.Add(path))
                {
                    throw new InvalidDataException($"the backup server sent {path} twice");
                }
                current = pages.Contains(path) ? RunTarget.Open(path, paths.Locate(path), size) : RunTarget.Create(path, paths.Locate(path), size);
            }
            if (current.Size != size)
            {
                throw new InvalidDataException($"the backup server sent runs of {path} for sizes {current.Size} and {size}");
            }
            current.Accept(offset, bytes);
            var target = current;
            pending.Enqueue((workers.RunAsync(() => Write(target, run, length, firstBlock, offset, unit)), run));
            handedOver = true;
        }
        finally
        {
            if (!handedOver)
            {
                ArrayPool<byte>.Shared.Return(run);
            }
        }
        if (pending.Count >= 4 * workers.ThreadCount + 4)
        {
            await CompleteOldestAsync();
        }
        return current;
    }

    /// <summary>On a worker: decodes the run and writes it at its place.</summary>
    private static int Write(RunTarget target, byte[] run, int length, int firstBlock, long offset, int unit)
    {
        var output = ArrayPool<byte>.Shared.Rent(BlockRuns.MaxBlocksPerRun * BlockRuns.BlockSize);
        try
        {
            var decoded = BlockRuns.Decode(run.AsSpan(0, length), firstBlock, target.Size, output, unit);
            RandomAccess.Write(target.Handle, output.AsSpan(0, decoded), offset);
            return decoded;
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{target.Path} at {offset}: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
            target.Release();
        }
    }

    /// <summary>The bytes a run's blocks decode to by their place in the file, its structure checked (not its contents).</summary>
    private static long RunBytes(ReadOnlySpan<byte> run, int firstBlock, long size, int unit = BlockRuns.BlockSize)
    {
        var (bytes, index) = (0L, firstBlock);
        while (run.Length > 0)
        {
            var length = run.Length < 4 ? -1 : (int)(BinaryPrimitives.ReadUInt32LittleEndian(run) & ~BlockRuns.RawFlag);
            if (length < 0 || length > BlockRuns.BlockSize || run.Length < 4 + length || BlockRuns.BlockLength(size, index, unit) == 0)
            {
                throw new InvalidDataException($"a run of blocks from block {firstBlock} of a file of {size} bytes is damaged");
            }
            bytes += BlockRuns.BlockLength(size, index, unit);
            index++;
            run = run[(4 + length)..];
        }
        return bytes;
    }

    private void Finish(RunTarget? target, bool check)
    {
        if (target is null)
        {
            return;
        }
        target.Release();
        if (check && target.Whole && target.NextOffset != target.Size)
        {
            throw new InvalidDataException($"the backup server sent {target.NextOffset} of the {target.Size} bytes of {target.Path}");
        }
    }

    private async Task CompleteOldestAsync()
    {
        var (task, run) = pending.Dequeue();
        try
        {
            written += await task;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(run);
        }
        if (written - reported >= 64L << 20)
        {
            reported = written;
            progress($"{written >> 20} MiB fetched");
        }
    }

    /// <summary>After a failure: a write still running uses its run's buffer and its file; wait for each.</summary>
    private async Task DrainAsync()
    {
        while (pending.TryDequeue(out var item))
        {
            await item.Written.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            ArrayPool<byte>.Shared.Return(item.Run);
        }
    }

    private void WriteControlFile()
    {
        try
        {
            if (controlSize < 0)
            {
                throw new InvalidDataException($"the backup server sent no {RestorePlan.ControlFile}");
            }
            var target = RunTarget.Create(RestorePlan.ControlFile, paths.Locate(RestorePlan.ControlFile), controlSize);
            try
            {
                foreach (var (offset, run, length) in control)
                {
                    target.Accept(offset, RunBytes(run.AsSpan(0, length), (int)(offset / BlockRuns.BlockSize), controlSize));
                    written += Write(target, run, length, (int)(offset / BlockRuns.BlockSize), offset, BlockRuns.BlockSize);
                }
            }
            finally
            {
                Finish(target, check: false);
            }
            if (target.NextOffset != controlSize)
            {
                throw new InvalidDataException($"the backup server sent {target.NextOffset} of the {controlSize} bytes of {RestorePlan.ControlFile}");
            }
            received.Add(RestorePlan.ControlFile);
        }
        finally
        {
            foreach (var (_, run, _) in control)
            {
                ArrayPool<byte>.Shared.Return(run);
            }
            control.Clear();
        }
    }

    private void CreateDirectory(string path)
    {
        var target = paths.Locate(path);
        Directory.CreateDirectory(target, BackupPuller.DirectoryMode0700);
        if (paths.TablespaceLink(path) is not null && !Path.Exists(Path.Combine(paths.DataDirectory, path)))
        {
            // PostgreSQL makes it again from tablespace_map when it starts; until then the directory reads whole.
            File.CreateSymbolicLink(Path.Combine(paths.DataDirectory, path), target);
        }
    }

    private async Task<byte> ReadByteAsync(BufferedStream input, string url, CancellationToken ct)
    {
        await ReadExactlyAsync(input, scratch.AsMemory(0, 1), url, ct);
        return scratch[0];
    }

    private async Task<string> ReadStringAsync(BufferedStream input, string url, CancellationToken ct)
    {
        await ReadExactlyAsync(input, scratch.AsMemory(0, 2), url, ct);
        var bytes = new byte[BinaryPrimitives.ReadUInt16LittleEndian(scratch)];
        await ReadExactlyAsync(input, bytes, url, ct);
        return Encoding.UTF8.GetString(bytes);
    }

    private static async Task ReadExactlyAsync(Stream input, Memory<byte> buffer, string url, CancellationToken ct)
    {
        try
        {
            await input.ReadExactlyAsync(buffer, ct);
        }
        catch (EndOfStreamException)
        {
            throw new IOException($"the backup server at {url} ended its answer early (see its log)");
        }
    }
}
