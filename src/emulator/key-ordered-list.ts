/**
 * A set of records kept in object-key order with access by position: the listing of one
 * filter (every labelled image, every unlabelled one, the images of one tag). Keys are
 * unique within a job, so a key identifies a record.
 *
 * Records sit in blocks of a few hundred, each block sorted and every key of a block
 * below every key of the next one, plus a Fenwick tree over the block lengths. Finding
 * position p walks the tree (O(log n)), a page then reads on along the blocks, so a
 * page of m records costs O(m + log n) whatever the list's size; inserting or removing
 * a record costs a binary search and a splice within one block (O(log n + B)). A plain
 * sorted array would make each insert or delete O(n), a balanced tree would cost a few
 * objects per record; blocks of pointers cost about one pointer per record.
 */

/** Upper bound of a block's length; a block that grows past it is split in two. */
const MAX_BLOCK = 1024;
/** Length of the blocks a bulk load fills, leaving room for inserts before the first split. */
const LOAD_BLOCK = MAX_BLOCK / 2;

export interface Keyed {
  readonly key: string;
}

export class KeyOrderedList<T extends Keyed> {
  #blocks: T[][] = [];
  /** Last (largest) key of each block, for the binary search of the block holding a key. */
  #lastKeys: string[] = [];
  /** Fenwick tree over the block lengths, 1-based; undefined after a block was added or removed. */
  #tree: number[] | undefined = [0];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** A list of records already in strictly increasing key order, built in O(n). */
  static fromSorted<T extends Keyed>(records: Iterable<T>): KeyOrderedList<T> {
    const list = new KeyOrderedList<T>();
    for (const record of records) list.append(record);
    return list;
  }

  /**
   * Adds a record whose key is above every key in the list, in O(1): how a sync, whose
   * scan comes sorted, builds the lists. Throws if the order would break, since a list out
   * of order pages wrongly without any other sign.
   */
  append(record: T): void {
    const last = this.#blocks[this.#blocks.length - 1];
    if (last !== undefined && !(record.key > (this.#lastKeys[this.#lastKeys.length - 1] as string))) {
      throw new RangeError(`KeyOrderedList.append: ${record.key} does not come after the last key`);
    }
    if (last === undefined || last.length >= LOAD_BLOCK) {
      this.#blocks.push([record]);
      this.#lastKeys.push(record.key);
      this.#tree = undefined;
    } else {
      last.push(record);
      this.#lastKeys[this.#lastKeys.length - 1] = record.key;
      if (this.#tree !== undefined) this.#add(this.#blocks.length - 1, 1);
    }
    this.#size++;
  }

  /** Adds the record in key order; false (and no change) if a record with its key is already in. */
  insert(record: T): boolean {
    if (this.#blocks.length === 0) {
      this.append(record);
      return true;
    }
    // The first block whose last key is not below the key, or the last block for a new largest key.
    const b = Math.min(lowerBound(this.#lastKeys, record.key, (k) => k), this.#blocks.length - 1);
    const block = this.#blocks[b] as T[];
    const i = lowerBound(block, record.key, keyOf);
    if (i < block.length && (block[i] as T).key === record.key) return false;
    block.splice(i, 0, record);
    if (i === block.length - 1) this.#lastKeys[b] = record.key;
    this.#size++;
    if (block.length > MAX_BLOCK) {
      const upper = block.splice(MAX_BLOCK / 2);
      this.#blocks.splice(b + 1, 0, upper);
      this.#lastKeys.splice(b, 1, (block[block.length - 1] as T).key, (upper[upper.length - 1] as T).key);
      this.#tree = undefined;
    } else if (this.#tree !== undefined) {
      this.#add(b, 1);
    }
    return true;
  }

  /** Removes the record with this key; false if there is none. */
  delete(key: string): boolean {
    const b = lowerBound(this.#lastKeys, key, (k) => k);
    const block = this.#blocks[b];
    if (block === undefined) return false;
    const i = lowerBound(block, key, keyOf);
    if (i === block.length || (block[i] as T).key !== key) return false;
    block.splice(i, 1);
    this.#size--;
    if (block.length === 0) {
      this.#blocks.splice(b, 1);
      this.#lastKeys.splice(b, 1);
      this.#tree = undefined;
      return true;
    }
    if (i === block.length) this.#lastKeys[b] = (block[block.length - 1] as T).key;
    if (this.#tree !== undefined) this.#add(b, -1);
    return true;
  }

  has(key: string): boolean {
    const block = this.#blocks[lowerBound(this.#lastKeys, key, (k) => k)];
    if (block === undefined) return false;
    return block[lowerBound(block, key, keyOf)]?.key === key;
  }

  /** Up to `count` records from position `start` (0-based), in key order. */
  slice(start: number, count: number): T[] {
    const page: T[] = [];
    if (start < 0 || start >= this.#size || count <= 0) return page;
    let [b, i] = this.#locate(start);
    while (page.length < count && b < this.#blocks.length) {
      const block = this.#blocks[b] as T[];
      const end = Math.min(block.length, i + count - page.length);
      for (; i < end; i++) page.push(block[i] as T);
      b++;
      i = 0;
    }
    return page;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (const block of this.#blocks) yield* block;
  }

  /** Block and offset of a position below size, by descending the Fenwick tree. */
  #locate(position: number): [block: number, offset: number] {
    const tree = this.#fenwick();
    let node = 0;
    let remaining = position;
    for (let step = highestPowerOfTwoAtMost(tree.length - 1); step > 0; step >>= 1) {
      const next = node + step;
      if (next < tree.length && (tree[next] as number) <= remaining) {
        node = next;
        remaining -= tree[next] as number;
      }
    }
    // node is the count of whole blocks before the position.
    return [node, remaining];
  }

  #fenwick(): number[] {
    if (this.#tree !== undefined) return this.#tree;
    // Built bottom-up in O(number of blocks); blocks are added or removed once per hundreds of changes.
    const tree = [0, ...this.#blocks.map((block) => block.length)];
    for (let node = 1; node < tree.length; node++) {
      const parent = node + (node & -node);
      if (parent < tree.length) (tree as number[])[parent] = (tree[parent] as number) + (tree[node] as number);
    }
    this.#tree = tree;
    return tree;
  }

  #add(block: number, delta: number): void {
    const tree = this.#tree as number[];
    for (let node = block + 1; node < tree.length; node += node & -node) tree[node] = (tree[node] as number) + delta;
  }
}

const keyOf = (record: Keyed): string => record.key;

/** First index whose key is not below `key` (items.length if none). */
function lowerBound<E>(items: readonly E[], key: string, keyOfItem: (item: E) => string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keyOfItem(items[mid] as E) < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

function highestPowerOfTwoAtMost(n: number): number {
  let power = 1;
  while (power * 2 <= n) power *= 2;
  return n >= 1 ? power : 0;
}
