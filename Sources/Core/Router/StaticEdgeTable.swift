/// Every static edge of a tree — (parent node, segment text) → child node —
/// in one open-addressing hash table of plain values.
///
/// Keeping the hot-path data free of per-node arrays and strings means a
/// lookup walks the tree through raw pointers, with no reference counting
/// and no hashing of `String`s, and costs the same for a node with 2 or 2000
/// static children. Keys are only ever inserted from the configuration, so
/// request paths cannot make probe chains longer.
struct StaticEdgeTable: Sendable {
    struct Slot: Sendable {
        var hash: UInt64 = 0
        var parent: Int32 = -1
        /// -1 marks an empty slot.
        var child: Int32 = -1
        var keyStart: Int32 = 0
        var keyCount: Int32 = 0
    }

    private(set) var slots = [Slot](repeating: Slot(), count: 16)
    /// The text of every key, back to back.
    private(set) var keyBytes: [UInt8] = []
    private var count = 0

    mutating func insert(parent: Int, key: [UInt8], child: Int) {
        // Stay at most half full so probe chains stay short.
        if 2 * (count + 1) > slots.count { grow() }
        let start = keyBytes.count
        keyBytes.append(contentsOf: key)
        let hash = key.withUnsafeBufferPointer { Self.hash(parent: parent, key: $0) }
        place(
            Slot(hash: hash, parent: Int32(parent), child: Int32(child), keyStart: Int32(start), keyCount: Int32(key.count)),
            in: &slots)
        count += 1
    }

    /// The child of `parent` for segment `key`, or -1.
    func child(of parent: Int, key: [UInt8]) -> Int {
        slots.withUnsafeBufferPointer { slots in
            keyBytes.withUnsafeBufferPointer { keyBytes in
                key.withUnsafeBufferPointer { key in
                    Self.child(of: parent, key: key, slots: slots, keyBytes: keyBytes)
                }
            }
        }
    }

    /// The lookup itself, on raw buffers the caller keeps alive.
    @inline(__always)
    static func child(
        of parent: Int, key: UnsafeBufferPointer<UInt8>, slots: UnsafeBufferPointer<Slot>,
        keyBytes: UnsafeBufferPointer<UInt8>
    ) -> Int {
        let hash = hash(parent: parent, key: key)
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[index]
            if slot.child < 0 { return -1 }
            if slot.hash == hash && Int(slot.parent) == parent && Int(slot.keyCount) == key.count
                && equal(keyBytes, from: Int(slot.keyStart), key)
            {
                return Int(slot.child)
            }
            index = (index + 1) & mask
        }
    }

    private mutating func grow() {
        var bigger = [Slot](repeating: Slot(), count: slots.count * 2)
        for slot in slots where slot.child >= 0 { place(slot, in: &bigger) }
        slots = bigger
    }

    private func place(_ slot: Slot, in table: inout [Slot]) {
        let mask = table.count - 1
        var index = Int(truncatingIfNeeded: slot.hash) & mask
        while table[index].child >= 0 { index = (index + 1) & mask }
        table[index] = slot
    }

    /// FNV-1a over the parent index and the key bytes.
    @inline(__always)
    static func hash(parent: Int, key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(truncatingIfNeeded: parent)
        hash = hash &* 0x0000_0100_0000_01b3
        for byte in key {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        // Fold the high bits in: the table index uses the low ones.
        return hash ^ (hash >> 29)
    }

    @inline(__always)
    private static func equal(
        _ pool: UnsafeBufferPointer<UInt8>, from start: Int, _ key: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        var i = 0
        while i < key.count {
            if pool[start + i] != key[i] { return false }
            i += 1
        }
        return true
    }
}
