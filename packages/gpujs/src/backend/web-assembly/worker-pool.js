// `os` resolves to the empty module in the browser bundles (aliased like
// `gl`), so its shape is probed before use rather than assumed
let os = null;
try {
  os = require('os');
} catch (e) {}

// Node has no global Worker; browsers with workers always do. Decided once —
// the two paths differ only in construction and event wiring, the protocol
// is identical
const IS_BROWSER_WORKER = typeof Worker === 'function';

function defaultConcurrency() {
  if (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) {
    return navigator.hardwareConcurrency;
  }
  if (os && typeof os.cpus === 'function') {
    const count = os.cpus().length;
    if (count) return count;
  }
  return 4;
}

/**
 * The worker body. A template string with NO closure captures: it must
 * survive being evaluated from a blob URL (browser) or `eval: true` (Node),
 * where nothing from this module's scope exists. Everything a task needs
 * arrives by message: the compiled WebAssembly.Module and the shared
 * WebAssembly.Memory structured-clone once per (worker, entry), then
 * {start, end, seed} per task — results are written straight into the
 * shared memory, so acks carry no data.
 *
 * The run dispatch mirrors the kernel's sync path: quads must not cross an
 * x-row, so run_simd is used only when the row width is a multiple of 4 (a
 * 4-aligned range start then lands every quad inside one row); other shapes
 * take the scalar export, which is bit-identical by the SIMD contract.
 *
 * Pipeline entries ('pipelineSetup'/'pipelineRun') execute a WHOLE fused
 * plan per task: every step module is instantiated over the plan's shared
 * memory once at setup, then one run message walks all steps, meeting at
 * Atomics barriers — a generation counter in the shared memory, so step
 * boundaries cost no postMessage round trip. A run's schedule (barrierAfter,
 * chunks, ranges) shares only the long steps: their cells go out in chunks
 * claimed from a per-step counter, the other steps run whole on one worker
 * (its static range) with no barrier between consecutive ones. The last barrier also sets the
 * done word, the one the main thread waits on. Waits are sliced to
 * 100ms so a barrier that can never fill (a peer died) is escapable: the
 * main thread sets the abort word and notifies the generation word, and
 * every check of either releases the worker to ack and go idle.
 */
const WORKER_SOURCE = `
var entries = {};
// cells [start, end) of a kernel entry or plan step: quads on the SIMD export where the row width
// lets them (a 4-aligned start keeps every quad inside one row), the rest scalar
function runRange(step, start, end, seed) {
  if (step.runSimd && (step.sizeX & 3) === 0 && (start & 3) === 0) {
    var quadEnd = end - ((end - start) & 3);
    if (quadEnd > start) step.runSimd(start, quadEnd, seed);
    if (quadEnd < end) step.run(quadEnd, end, seed);
  } else {
    step.run(start, end, seed);
  }
}
var pipelines = {};
function handleMessage(message, post) {
  if (message.type === 'setup') {
    var imports = { env: { memory: message.memory } };
    for (var i = 0; i < message.mathImports.length; i++) {
      imports.env['math_' + message.mathImports[i]] = Math[message.mathImports[i]];
    }
    var instance = new WebAssembly.Instance(message.module, imports);
    entries[message.id] = {
      run: instance.exports.run,
      runSimd: instance.exports.run_simd || null,
      sizeX: message.sizeX
    };
    post({ type: 'ready', id: message.id });
  } else if (message.type === 'pipelineSetup') {
    var instances = [];
    for (var i = 0; i < message.modules.length; i++) {
      var imports = { env: { memory: message.memory } };
      var math = message.moduleMathImports[i];
      for (var j = 0; j < math.length; j++) {
        imports.env['math_' + math[j]] = Math[math[j]];
      }
      instances.push(new WebAssembly.Instance(message.modules[i], imports));
    }
    var steps = [];
    for (var i = 0; i < message.steps.length; i++) {
      var exported = instances[message.steps[i].module].exports;
      steps.push({
        run: exported.run,
        runSimd: exported.run_simd || null,
        sizeX: message.steps[i].sizeX,
        cells: message.steps[i].cells
      });
    }
    pipelines[message.id] = {
      steps: steps,
      i32: new Int32Array(message.memory.buffer),
      countIndex: message.countIndex,
      genIndex: message.genIndex,
      abortIndex: message.abortIndex,
      doneIndex: message.doneIndex,
      claimIndex: message.claimIndex
    };
    post({ type: 'ready', id: message.id });
  } else if (message.type === 'release') {
    delete entries[message.id];
    delete pipelines[message.id];
  } else if (message.type === 'run') {
    runRange(entries[message.id], message.start, message.end, message.seed);
    post({ type: 'done', taskId: message.taskId });
  } else if (message.type === 'pipelineRun') {
    var pipeline = pipelines[message.id];
    if (!pipeline) {
      // released (its plan destroyed) while this run waited for its turn
      post({ type: 'done', taskId: message.taskId, aborted: true });
      return;
    }
    var i32 = pipeline.i32;
    var gen = message.baseGen;
    var aborted = false;
    for (var s = 0; s < pipeline.steps.length && !aborted; s++) {
      if (Atomics.load(i32, pipeline.abortIndex)) {
        aborted = true;
        break;
      }
      var step = pipeline.steps[s];
      var start = message.ranges[s * 2];
      var end = message.ranges[s * 2 + 1];
      var seed = message.seeds[s];
      var chunk = message.chunks[s];
      if (chunk > 0) {
        // a shared step: claim chunks until the step's cells are handed out
        for (;;) {
          start = Atomics.add(i32, pipeline.claimIndex + s, 1) * chunk;
          if (start >= step.cells) break;
          runRange(step, start, Math.min(start + chunk, step.cells), seed);
        }
      } else if (end > start) {
        runRange(step, start, end, seed);
      }
      // the schedule's steps run by one worker back to back need no barrier
      // between them: only after a shared step, before one, and at the end
      if (!message.barrierAfter[s]) continue;
      gen++;
      if (Atomics.add(i32, pipeline.countIndex, 1) + 1 === message.workerCount) {
        Atomics.store(i32, pipeline.countIndex, 0);
        Atomics.store(i32, pipeline.genIndex, gen);
        Atomics.notify(i32, pipeline.genIndex);
        if (s === pipeline.steps.length - 1) {
          Atomics.store(i32, pipeline.doneIndex, gen);
          Atomics.notify(i32, pipeline.doneIndex);
        }
      } else {
        for (;;) {
          if (Atomics.load(i32, pipeline.genIndex) >= gen) break;
          if (Atomics.load(i32, pipeline.abortIndex)) {
            aborted = true;
            break;
          }
          Atomics.wait(i32, pipeline.genIndex, gen - 1, 100);
        }
      }
    }
    post({ type: 'done', taskId: message.taskId, aborted: aborted });
  }
}
if (typeof self !== 'undefined' && typeof postMessage === 'function') {
  self.onmessage = function(event) {
    handleMessage(event.data, function(message) { postMessage(message); });
  };
} else {
  var parentPort = require('worker_threads').parentPort;
  parentPort.on('message', function(message) {
    handleMessage(message, function(reply) { parentPort.postMessage(reply); });
  });
}
`;

/**
 * @desc Lazy worker pool for the threaded run path. Workers spawn on first
 * use and only as many as a dispatch actually assigns; each holds
 * instantiations keyed by entry id (one per kernel size signature, one per
 * fused plan) over the entry's shared memory, so a module and memory cross
 * the postMessage boundary exactly once per worker.
 *
 * The main thread never blocks: dispatch returns a Promise resolved by the
 * workers' completion acks — no Atomics.wait anywhere.
 *
 * Lifecycle rules the runtime review demanded:
 * - A worker that dies (wasm trap, OOM, eviction) rejects its in-flight
 *   tasks AND is retired from the pool; the next dispatch that needs its
 *   slot spawns a replacement with fresh setup state. A dead worker can
 *   never be handed a task — that message would vanish and the task's
 *   Promise would hang forever.
 * - Node workers are unref'd while idle and ref'd only while tasks are in
 *   flight, so a script that runs a threaded kernel and ends actually
 *   exits — without letting a fully-unref'd pool drop the process mid
 *   dispatch.
 */
class WebAssemblyWorkerPool {
  constructor(size) {
    this.size = size || defaultConcurrency();
    this.workers = [];
    this.destroyed = false;
    // instrumentation the thread tests assert on: how a dispatch was split
    // and how many dispatches this pool has served
    this.dispatchCount = 0;
    this.lastDispatch = null;
    this._taskId = 0;
    // the previous fused run's messages have gone out (see dispatchPipeline)
    this._pipelineOrder = Promise.resolve();
  }

  get liveWorkerCount() {
    let count = 0;
    for (const worker of this.workers) {
      if (!worker.dead) count++;
    }
    return count;
  }

  _spawn() {
    const worker = {
      handle: null,
      dead: false,
      state: {
        setup: new Set(),
        settingUp: new Map(),
        pending: new Map(),
      },
      fail: null,
      die: null,
    };
    const state = worker.state;
    worker.fail = error => {
      for (const wait of state.settingUp.values()) wait.reject(error);
      state.settingUp.clear();
      for (const task of state.pending.values()) {
        task.reject(error);
      }
      state.pending.clear();
    };
    // death retires the worker: its instantiations and setup cache died with
    // the thread, and a message posted to a corpse never answers. The handle
    // is terminated explicitly -- an uncaught exception does NOT kill a
    // browser worker, so without this a "dead" worker would live on as a
    // zombie thread pinning every wasm memory it ever instantiated
    worker.die = error => {
      if (worker.dead) return;
      worker.dead = true;
      worker.fail(error);
      if (worker.handle && typeof worker.handle.terminate === 'function') {
        try {
          worker.handle.terminate();
        } catch (e) {}
      }
    };
    const onMessage = message => {
      if (message.type === 'ready') {
        const wait = state.settingUp.get(message.id);
        if (wait) {
          state.settingUp.delete(message.id);
          state.setup.add(message.id);
          this._updateRef(worker);
          wait.resolve();
        }
      } else if (message.type === 'done') {
        const task = state.pending.get(message.taskId);
        if (task) {
          state.pending.delete(message.taskId);
          this._updateRef(worker);
          task.resolve();
        }
      }
    };
    let handle;
    if (IS_BROWSER_WORKER) {
      // revoked immediately: the worker holds its own reference once created
      const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      handle = new Worker(url);
      URL.revokeObjectURL(url);
      handle.onmessage = event => onMessage(event.data);
      handle.onerror = event => worker.die(new Error(event.message || 'WebAssembly worker error'));
    } else {
      const { Worker: NodeWorker } = require('worker_threads');
      handle = new NodeWorker(WORKER_SOURCE, { eval: true });
      handle.on('message', onMessage);
      handle.on('error', error => worker.die(error));
      handle.on('exit', code => {
        worker.die(new Error(`WebAssembly worker exited with code ${ code }`));
      });
      // idle by default; _taskStarted refs while work is in flight
      handle.unref();
    }
    worker.handle = handle;
    return worker;
  }

  _worker(index) {
    while (this.workers.length <= index) {
      this.workers.push(this._spawn());
    }
    if (this.workers[index].dead) {
      this.workers[index] = this._spawn();
    }
    return this.workers[index];
  }

  /**
   * Event-loop handle accounting, per worker: ref'd while it has a setup OR
   * a task in flight, unref'd when idle. The setup window matters -- a
   * pending Promise does not hold Node's event loop, so a pool unref'd
   * during module setup lets the process exit silently mid-dispatch.
   * Browser workers have no ref/unref and need none.
   */
  _updateRef(worker) {
    if (worker.dead || !worker.handle || typeof worker.handle.ref !== 'function') return;
    if (worker.state.settingUp.size + worker.state.pending.size > 0) {
      worker.handle.ref();
    } else {
      worker.handle.unref();
    }
  }

  /**
   * One setup message per (worker, entry) — concurrent tasks for the same
   * entry share the in-flight ready wait rather than re-sending the module.
   * Kernel entries and pipeline entries share this bookkeeping (kernel ids
   * are process-unique numbers, so the kernels sharing a pool cannot
   * collide, and pipeline ids are string-prefixed); only the setup message
   * shape differs.
   */
  _ensureSetup(worker, entry) {
    if (worker.state.setup.has(entry.id)) return Promise.resolve();
    let wait = worker.state.settingUp.get(entry.id);
    if (!wait) {
      wait = {};
      wait.promise = new Promise((resolve, reject) => {
        wait.resolve = resolve;
        wait.reject = reject;
      });
      worker.state.settingUp.set(entry.id, wait);
      this._updateRef(worker);
      worker.handle.postMessage(entry.pipeline ? {
        type: 'pipelineSetup',
        id: entry.id,
        memory: entry.memory,
        modules: entry.modules,
        moduleMathImports: entry.moduleMathImports,
        steps: entry.steps,
        countIndex: entry.countIndex,
        genIndex: entry.genIndex,
        abortIndex: entry.abortIndex,
        doneIndex: entry.doneIndex,
        claimIndex: entry.claimIndex,
      } : {
        type: 'setup',
        id: entry.id,
        module: entry.module,
        memory: entry.memory,
        mathImports: entry.mathImports,
        sizeX: entry.sizeX,
      });
    }
    return wait.promise;
  }

  /**
   * @param {Object} entry kernel module entry: {id, module, memory, mathImports, sizeX}
   * @param {Array} tasks contiguous {start, end, seed} ranges, one per worker
   * @returns {Promise<void>} resolves when every range has been computed into
   * the entry's shared memory
   */
  dispatch(entry, tasks) {
    if (this.destroyed) return Promise.reject(new Error('WebAssembly worker pool has been destroyed'));
    this.dispatchCount++;
    this.lastDispatch = {
      workerCount: tasks.length,
      ranges: tasks.map(task => [task.start, task.end]),
    };
    const runs = tasks.map((task, index) => {
      const worker = this._worker(index);
      return this._ensureSetup(worker, entry).then(() => this._postTask(worker, entry.id, {
        type: 'run',
        start: task.start,
        end: task.end,
        seed: task.seed,
      }));
    });
    return Promise.all(runs).then(() => undefined);
  }

  /**
   * Posts one task of entry `entryId` to `worker` (the message gets the entry
   * and task ids); resolves on the worker's done ack, rejects if the worker is
   * or goes dead. Pending tasks remember their entry (retireWorkersOwing).
   */
  _postTask(worker, entryId, message) {
    return new Promise((resolve, reject) => {
      if (worker.dead) {
        reject(new Error('WebAssembly worker died before the task could run'));
        return;
      }
      const taskId = ++this._taskId;
      worker.state.pending.set(taskId, { resolve, reject, entryId });
      this._updateRef(worker);
      worker.handle.postMessage({ ...message, id: entryId, taskId });
    });
  }

  /**
   * One task per worker for a WHOLE fused plan: the barrier between steps
   * lives in the entry's shared memory, so this is the only postMessage
   * round trip a pipeline call makes. Every worker in [0, workerCount) must
   * receive its task — the barrier fills only at workerCount arrivals — and
   * a worker that dies rejects its task through the pool's usual machinery,
   * which is the caller's signal to set the entry's abort word.
   * @param {Object} entry pipeline entry: {id, pipeline, memory, modules,
   * moduleMathImports, steps, countIndex, genIndex, abortIndex, doneIndex,
   * claimIndex, workerCount, and the schedule: workerRanges, chunks,
   * barrierAfter}
   * @param {Object} run per-call inputs: {baseGen, seeds}
   * @returns {Promise<void>} resolves when every worker has acked its walk
   * of the plan
   */
  dispatchPipeline(entry, run) {
    if (this.destroyed) return Promise.reject(new Error('WebAssembly worker pool has been destroyed'));
    this.dispatchCount++;
    this.lastDispatch = {
      workerCount: entry.workerCount,
      ranges: entry.workerRanges.map(ranges => ranges.slice()),
    };
    const workers = [];
    for (let index = 0; index < entry.workerCount; index++) workers.push(this._worker(index));
    const setups = Promise.all(workers.map(worker => this._ensureSetup(worker, entry)));
    // Plans share the pool, so their runs reach every worker in ONE order: each
    // run's messages go out together, after the previous run's went out. Were
    // worker 0 to take plan A's run first and worker 1 plan B's, each would
    // wait at its plan's barrier for the other, forever.
    const posted = this._pipelineOrder.then(() => setups).then(() => workers.map((worker, index) => this._postTask(worker, entry.id, {
      type: 'pipelineRun',
      ranges: entry.workerRanges[index],
      barrierAfter: entry.barrierAfter,
      chunks: entry.chunks,
      seeds: run.seeds,
      baseGen: run.baseGen,
      workerCount: entry.workerCount,
    })));
    this._pipelineOrder = posted.then(() => undefined, () => undefined);
    return posted.then(runs => Promise.all(runs)).then(() => undefined);
  }

  /**
   * Retires the workers that still owe `entryId` a run or its setup (a plan
   * whose run stalled or aborted): their slots respawn fresh on the next
   * dispatch. The other workers are left alone; a retired worker's tasks of
   * other entries reject with it. A setup that never answers would otherwise
   * hold every later plan's run behind it (see dispatchPipeline).
   * @param {String|Number} entryId
   * @param {Error} error what the retired workers' tasks reject with
   */
  retireWorkersOwing(entryId, error) {
    for (const worker of this.workers) {
      if (worker.dead) continue;
      let owes = worker.state.settingUp.has(entryId);
      for (const task of worker.state.pending.values()) owes = owes || task.entryId === entryId;
      if (owes) worker.die(error);
    }
  }

  /**
   * Drops an entry's instantiation from every live worker: the worker-side
   * instances are what keep an evicted entry's shared memory alive (#870).
   * The caller guarantees no task for this entry is still in flight.
   */
  release(entryId) {
    if (this.destroyed) return;
    for (const worker of this.workers) {
      if (worker.dead) continue;
      worker.state.setup.delete(entryId);
      const wait = worker.state.settingUp.get(entryId);
      if (wait) {
        // the caller's no-in-flight guarantee makes this unreachable, but a
        // silently deleted wait would hang its dispatch forever; reject loud
        worker.state.settingUp.delete(entryId);
        wait.reject(new Error('WebAssembly kernel entry released during setup'));
        this._updateRef(worker);
      }
      worker.handle.postMessage({ type: 'release', id: entryId });
    }
  }

  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    const error = new Error('WebAssembly worker pool has been destroyed');
    for (const worker of this.workers) {
      worker.dead = true;
      worker.fail(error);
      worker.handle.terminate();
    }
    this.workers = [];
  }
}

/**
 * The process's pools, one per size: every webasm kernel of every GPU
 * instance dispatches to the same workers instead of spawning a pool of its
 * own (a model of a hundred kernels used to hold a hundred pools: hundreds
 * of threads and their isolates, for as many cores as the machine has).
 * Entry ids are process-unique, so kernels sharing a pool cannot collide.
 * Idle workers are unref'd, so a shared pool never keeps a process alive.
 */
const sharedPools = new Map();

/**
 * @desc The shared pool of `size` workers (default: the core count), made on
 * first use and made again if it was destroyed.
 * @param {Number} [size]
 * @returns {WebAssemblyWorkerPool}
 */
function sharedWorkerPool(size) {
  const key = size || defaultConcurrency();
  let pool = sharedPools.get(key);
  if (!pool || pool.destroyed) {
    pool = new WebAssemblyWorkerPool(key);
    sharedPools.set(key, pool);
  }
  return pool;
}

/**
 * @desc Live worker threads of the shared pools together (introspection for
 * tests and profiles).
 * @returns {Number}
 */
function sharedWorkerCount() {
  let count = 0;
  for (const pool of sharedPools.values()) {
    if (!pool.destroyed) count += pool.liveWorkerCount;
  }
  return count;
}

module.exports = {
  WebAssemblyWorkerPool,
  sharedWorkerPool,
  sharedWorkerCount,
  defaultConcurrency,
};