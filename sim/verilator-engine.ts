// The design-independent half of the Verilator C++ testbench: file parsing, the cycle loop and
// the stream engine. It must stay step-for-step equivalent to the Verilog in icarus-tb.ts.
// The generated half (verilator-tb.ts) supplies PORTS, setPort, getPort, Sim::clock and Top.
export const ENGINE_CPP = String.raw`
static void die(const char* what, const char* detail) {
  fprintf(stderr, "loom_sim: %s %s\n", what, detail ? detail : "");
  exit(2);
}

static std::string readFile(const char* path) {
  FILE* f = fopen(path, "rb");
  if (!f) die("cannot open", path);
  std::string s;
  char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  fclose(f);
  return s;
}

// Whitespace-separated tokens over a whole file read at once: fast for millions of cycles.
struct Tokens {
  const char* p;
  const char* end;
  explicit Tokens(const std::string& s) : p(s.data()), end(s.data() + s.size()) {}
  bool next(const char** tok, size_t* len) {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    if (p >= end) return false;
    *tok = p;
    while (p < end && !(*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    *len = (size_t)(p - *tok);
    return true;
  }
  void need(const char** tok, size_t* len) {
    if (!next(tok, len)) die("stimulus file ended early", nullptr);
  }
  long long integer() {
    const char* t; size_t n;
    need(&t, &n);
    return strtoll(std::string(t, n).c_str(), nullptr, 10);
  }
  std::string word() {
    const char* t; size_t n;
    need(&t, &n);
    return std::string(t, n);
  }
  void hex(Word* w, int words) {
    const char* t; size_t n;
    need(&t, &n);
    for (int i = 0; i < words; i++) w[i] = 0;
    for (size_t k = 0; k < n; k++) {
      char c = t[n - 1 - k];
      Word d = c <= '9' ? c - '0' : (c | 32) - 'a' + 10;
      if (k / 8 < (size_t)words) w[k / 8] |= d << (4 * (k % 8));
    }
  }
};

static int wordsOf(int width) { return (width + 31) / 32; }

static void putHex(FILE* f, const Word* w, int width) {
  int i = wordsOf(width) - 1;
  while (i > 0 && w[i] == 0) i--;
  fprintf(f, "%x", w[i]);
  for (i--; i >= 0; i--) fprintf(f, "%08x", w[i]);
}

static bool sameWords(const Word* a, const Word* b, int width) {
  for (int i = 0; i < wordsOf(width); i++) if (a[i] != b[i]) return false;
  return true;
}

static bool lessWords(const Word* a, const Word* b, int width) {
  for (int i = wordsOf(width) - 1; i >= 0; i--) if (a[i] != b[i]) return a[i] < b[i];
  return false;
}

static bool isOne(int port) {
  Word w[MAXW];
  getPort(port, w);
  return w[0] & 1;
}

static void setBit(int port, bool b) {
  Word w[MAXW] = {0};
  w[0] = b;
  setPort(port, w);
}

// One simulated cycle is settle() (clock low, inputs applied) then edge() (clock rising).
// Cycles count from 0 at the first reset cycle; a trace holds cycles [traceFrom, traceUntil).
struct Sim {
  uint64_t time = 0;
  uint64_t cycle = 0;
#if LOOM_TRACE
  TraceFile* trace = nullptr;
  uint64_t traceFrom = 0;
  uint64_t traceUntil = UINT64_MAX;
#endif
  void settle() {
    clock(0);
    top->eval();
    dump(5);
  }
  void edge() {
    clock(1);
    top->eval();
    dump(5);
    cycle++;
  }
  void dump(uint64_t advance) {
#if LOOM_TRACE
    if (trace && cycle >= traceFrom && cycle < traceUntil) trace->dump(time);
#endif
    time += advance;
    ctx->time(time);
  }
  void clock(int v);
};

static int runCycles(Sim& sim, Tokens& in, FILE* out) {
  long long cycles = in.integer();
  Word w[MAXW];
  for (long long c = 0; c < cycles; c++) {
    for (int k = 0; k < NDRIVEN; k++) {
      in.hex(w, MAXW);
      setPort(DRIVEN[k], w);
    }
    sim.settle();
    for (int k = 0; k < NOUTS; k++) {
      getPort(OUTS[k], w);
      if (k) fputc(' ', out);
      putHex(out, w, PORTS[OUTS[k]].width);
    }
    fputc('\n', out);
    sim.edge();
  }
  return 0;
}

struct Source {
  int valid, ready, data;
  std::vector<Word> beats;
  long long count;
  std::string pattern;
  long long idx = 0;
  bool offered = false;
};

struct Sink {
  int valid, ready, data;
  long long count;
  std::string pattern;
  long long got = 0;
  bool stalled = false;
  Word last[MAXW] = {0};
};

static bool allDone(const std::vector<Source>& srcs, const std::vector<Sink>& sinks) {
  if (sinks.empty()) {
    for (const Source& s : srcs) if (s.idx < s.count) return false;
    return true;
  }
  for (const Sink& s : sinks) if (s.got < s.count) return false;
  return true;
}

static int runStreams(Sim& sim, Tokens& in, FILE* out) {
  int resetPort = -1, violations = 0;
  Word asserted[MAXW], released[MAXW], w[MAXW], zero[MAXW] = {0};
  long long resetCycles = 0, maxCycles = 0;
  std::vector<Source> srcs;
  std::vector<Sink> sinks;
  std::vector<int> watch;
  std::vector<std::vector<Word>> watchMax;
  for (;;) {
    std::string key = in.word();
    if (key == "end") break;
    if (key == "reset") {
      resetPort = (int)in.integer();
      in.hex(asserted, MAXW);
      in.hex(released, MAXW);
      resetCycles = in.integer();
    } else if (key == "max") {
      maxCycles = in.integer();
    } else if (key == "const") {
      int p = (int)in.integer();
      in.hex(w, MAXW);
      setPort(p, w);
    } else if (key == "src") {
      Source s;
      s.valid = (int)in.integer(); s.ready = (int)in.integer(); s.data = (int)in.integer();
      s.count = in.integer();
      s.beats.assign((size_t)(s.count * MAXW), 0);
      for (long long b = 0; b < s.count; b++) in.hex(&s.beats[(size_t)(b * MAXW)], MAXW);
      s.pattern = in.word();
      srcs.push_back(std::move(s));
    } else if (key == "sink") {
      Sink s;
      s.valid = (int)in.integer(); s.ready = (int)in.integer(); s.data = (int)in.integer();
      s.count = in.integer();
      s.pattern = in.word();
      sinks.push_back(std::move(s));
    } else if (key == "watch") {
      watch.push_back((int)in.integer());
      watchMax.push_back(std::vector<Word>(MAXW, 0));
    } else {
      die("unknown stream directive", key.c_str());
    }
  }
  auto violation = [&](void) -> bool {
    if (violations == VIOLATION_LIMIT) fprintf(out, "violcap\n");
    return violations++ < VIOLATION_LIMIT;
  };

  // Reset: asserted for resetCycles cycles with every stream idle.
  if (resetPort >= 0) setPort(resetPort, asserted);
  for (long long r = 0; r < resetCycles; r++) {
    sim.settle();
    sim.edge();
  }
  if (resetPort >= 0) setPort(resetPort, released);

  long long t = 0;
  bool done = allDone(srcs, sinks);
  while (!done && t < maxCycles) {
    // Drive: a source offers when its pattern allows and then holds the beat until it is taken.
    for (Source& s : srcs) {
      if (!s.offered && s.idx < s.count && s.pattern[(size_t)(t % (long long)s.pattern.size())] == '1') s.offered = true;
      setBit(s.valid, s.offered);
      if (s.data >= 0) setPort(s.data, s.offered ? &s.beats[(size_t)(s.idx * MAXW)] : zero);
    }
    for (Sink& s : sinks) {
      setBit(s.ready, s.got < s.count && s.pattern[(size_t)(t % (long long)s.pattern.size())] == '1');
    }
    sim.settle();
    // Check output streams against the rule that a refused beat stays offered, unchanged.
    for (size_t k = 0; k < sinks.size(); k++) {
      Sink& s = sinks[k];
      bool valid = isOne(s.valid);
      if (s.data >= 0) getPort(s.data, w); else w[0] = 0;
      int width = s.data >= 0 ? PORTS[s.data].width : 1;
      if (s.stalled) {
        if (!valid) {
          if (violation()) fprintf(out, "drop %zu %lld\n", k, t);
        } else if (!sameWords(w, s.last, width)) {
          if (violation()) {
            fprintf(out, "change %zu %lld ", k, t);
            putHex(out, s.last, width);
            fputc(' ', out);
            putHex(out, w, width);
            fputc('\n', out);
          }
        }
      }
      s.stalled = valid && !isOne(s.ready);
      memcpy(s.last, w, sizeof w);
    }
    for (size_t k = 0; k < watch.size(); k++) {
      getPort(watch[k], w);
      if (lessWords(watchMax[k].data(), w, PORTS[watch[k]].width)) memcpy(watchMax[k].data(), w, sizeof w);
    }
    // Transfers happen at the coming edge where valid and ready are both high.
    for (size_t k = 0; k < srcs.size(); k++) {
      Source& s = srcs[k];
      if (s.offered && isOne(s.ready)) {
        fprintf(out, "in %zu %lld\n", k, t);
        s.idx++;
        s.offered = false;
      }
    }
    for (size_t k = 0; k < sinks.size(); k++) {
      Sink& s = sinks[k];
      if (isOne(s.valid) && isOne(s.ready)) {
        fprintf(out, "out %zu %lld ", k, t);
        if (s.data >= 0) getPort(s.data, w); else w[0] = 0;
        putHex(out, w, s.data >= 0 ? PORTS[s.data].width : 1);
        fputc('\n', out);
        s.got++;
      }
    }
    sim.edge();
    t++;
    done = allDone(srcs, sinks);
  }
  for (size_t k = 0; k < watch.size(); k++) {
    fprintf(out, "watch %zu ", k);
    putHex(out, watchMax[k].data(), PORTS[watch[k]].width);
    fputc('\n', out);
  }
  fprintf(out, "cycles %lld\nstatus %s\n", t, done ? "ok" : "timeout");
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 4) die("usage: loom_sim cycles|stream <stimulus> <results> [trace [from-cycle [cycles]]]", nullptr);
  ctx = new VerilatedContext;
#if LOOM_TRACE
  ctx->traceEverOn(true);
#endif
  top = new Top{ctx};
  Sim sim;
  if (argc > 4) {
#if LOOM_TRACE
    sim.trace = new TraceFile;
    top->trace(sim.trace, 99);
    sim.trace->open(argv[4]);
    if (argc > 5) sim.traceFrom = strtoull(argv[5], nullptr, 10);
    if (argc > 6) sim.traceUntil = sim.traceFrom + strtoull(argv[6], nullptr, 10);
#else
    die("this model was built without trace support; build it with { trace: true }", nullptr);
#endif
  }
  std::string text = readFile(argv[2]);
  Tokens in(text);
  FILE* out = fopen(argv[3], "wb");
  if (!out) die("cannot write", argv[3]);
  static char buf[1 << 20];
  setvbuf(out, buf, _IOFBF, sizeof buf);
  int rc = strcmp(argv[1], "cycles") == 0 ? runCycles(sim, in, out) : runStreams(sim, in, out);
  top->final();
#if LOOM_TRACE
  if (sim.trace) sim.trace->close();
#endif
  if (fclose(out) != 0) die("cannot finish writing", argv[3]);
  delete top;
  delete ctx;
  return rc;
}
`;
