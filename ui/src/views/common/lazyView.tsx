// A view loaded as its own chunk. Until its chunk arrives it suspends (the nearest Suspense shows
// its fallback); `preload` fetches it ahead of time, and once loaded it renders at once, so a
// view preloaded after the first paint opens without a flash and keeps focus handling synchronous.
import { use, type ComponentType, type ReactElement } from 'react';

export interface LazyView<P extends object> {
  View: (props: P) => ReactElement;
  preload: () => Promise<unknown>;
}

export function lazyView<P extends object>(load: () => Promise<ComponentType<P>>): LazyView<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const preload = () =>
    (loading ??= load().then((view) => {
      loaded = view;
      return view;
    }));
  function View(props: P): ReactElement {
    const Loaded = loaded ?? use(preload());
    return <Loaded {...props} />;
  }
  return { View, preload };
}
