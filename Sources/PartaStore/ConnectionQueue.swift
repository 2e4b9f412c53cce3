import DequeModule

/// A FIFO queue of interchangeable connections: `acquire` waits until one is free.
actor ConnectionQueue<Connection: Sendable> {
    private var free: [Connection]
    private var waiters: Deque<CheckedContinuation<Connection, Never>> = []
    let capacity: Int

    init(_ connections: [Connection]) {
        self.free = connections
        self.capacity = connections.count
    }

    func acquire() async -> Connection {
        if let connection = free.popLast() { return connection }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func release(_ connection: Connection) {
        if let waiter = waiters.popFirst() {
            waiter.resume(returning: connection)
        } else {
            free.append(connection)
        }
    }

    /// Waits for every connection to be returned, then hands them all out for closing.
    func drain() async -> [Connection] {
        var all: [Connection] = []
        while all.count < capacity {
            all.append(await acquire())
        }
        return all
    }

    var waiting: Int { waiters.count }
}

/// Lends a connection of `queue` for `body` and returns it afterwards, whether `body` returns or throws.
func withConnection<Connection: Sendable, T: Sendable>(
    from queue: ConnectionQueue<Connection>, isolation: isolated (any Actor)? = #isolation,
    _ body: (Connection) async throws -> T
) async throws -> T {
    let connection = await queue.acquire()
    do {
        let result = try await body(connection)
        await queue.release(connection)
        return result
    } catch {
        await queue.release(connection)
        throw error
    }
}
