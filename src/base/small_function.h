// SmallFunction<R(Args...), Capacity>: a move-only callable that keeps its target inline, in
// Capacity bytes, and never on the heap. A target that does not fit does not compile, so code on
// a hot path can hand callbacks around without allocating (std::function allocates any target
// larger than two pointers).
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace footfall {

template <class Signature, size_t Capacity = 64>
class SmallFunction;

template <class R, class... Args, size_t Capacity>
class SmallFunction<R(Args...), Capacity> {
 public:
  SmallFunction() = default;
  SmallFunction(std::nullptr_t) {}  // NOLINT(google-explicit-constructor): like std::function

  template <class F, class T = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<T, SmallFunction> &&
                                     std::is_invocable_r_v<R, T&, Args...>>>
  SmallFunction(F&& f) {  // NOLINT(google-explicit-constructor): like std::function
    static_assert(sizeof(T) <= Capacity, "callable too large for this SmallFunction");
    static_assert(alignof(T) <= alignof(std::max_align_t), "callable over-aligned");
    static_assert(std::is_nothrow_move_constructible_v<T>, "callable must move without throwing");
    ::new (static_cast<void*>(storage_)) T(std::forward<F>(f));
    ops_ = &kOpsFor<T>;
  }

  SmallFunction(SmallFunction&& other) noexcept { TakeFrom(other); }
  SmallFunction& operator=(SmallFunction&& other) noexcept {
    if (this != &other) {
      Reset();
      TakeFrom(other);
    }
    return *this;
  }
  SmallFunction(const SmallFunction&) = delete;
  SmallFunction& operator=(const SmallFunction&) = delete;
  ~SmallFunction() { Reset(); }

  // Calling an empty SmallFunction is undefined, as with a null function pointer.
  R operator()(Args... args) { return ops_->call(storage_, std::forward<Args>(args)...); }
  explicit operator bool() const { return ops_ != nullptr; }

 private:
  struct Ops {
    R (*call)(void* target, Args&&... args);
    void (*move_to)(void* from, void* to);  // move-constructs at `to`, destroys `from`
    void (*destroy)(void* target);
  };

  template <class T>
  static constexpr Ops kOpsFor = {
      [](void* target, Args&&... args) -> R {
        return (*static_cast<T*>(target))(std::forward<Args>(args)...);
      },
      [](void* from, void* to) {
        ::new (to) T(std::move(*static_cast<T*>(from)));
        static_cast<T*>(from)->~T();
      },
      [](void* target) { static_cast<T*>(target)->~T(); },
  };

  void TakeFrom(SmallFunction& other) {
    if (other.ops_ == nullptr) return;
    other.ops_->move_to(other.storage_, storage_);
    ops_ = other.ops_;
    other.ops_ = nullptr;
  }

  void Reset() {
    if (ops_ == nullptr) return;
    ops_->destroy(storage_);
    ops_ = nullptr;
  }

  alignas(std::max_align_t) unsigned char storage_[Capacity];
  const Ops* ops_ = nullptr;
};

}  // namespace footfall
