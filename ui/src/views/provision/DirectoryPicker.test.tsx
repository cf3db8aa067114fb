// The directory picker on its own: each keystroke searches at once and a newer search's answer
// wins over an older one's; the rows show before the groups' member counts, which fill in
// later; each search's answer comes into view, so the rows the arrow keys move through are on
// screen even though the search box sits low on step 4's page.
import { act, screen, waitFor, within } from '@testing-library/react';
import { directorySearch, type DirectoryEntry, type DirectorySearchEvent } from '../../ipc';
import { deferred, renderView } from '../../test/renderView';
import { DirectoryPicker } from './DirectoryPicker';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

function users(names: string[]): DirectoryEntry[] {
  return names.map((name, i) => ({ id: `u-${i}`, kind: 'user' as const, displayName: name, detail: `${name.toLowerCase()}@contoso.com` }));
}

describe('the directory picker', () => {
  const scrolled: Element[] = [];
  beforeEach(() => {
    scrolled.length = 0;
    // jsdom has no scrollIntoView: record which element asked to be shown.
    Element.prototype.scrollIntoView = function scrollIntoView(this: Element) {
      scrolled.push(this);
    };
  });
  afterEach(() => {
    delete (Element.prototype as Partial<Element>).scrollIntoView;
  });

  it('brings each search’s results into view, with their count first', async () => {
    vi.mocked(directorySearch).mockResolvedValueOnce(users(['Adele', 'Alex'])).mockResolvedValue(users(['Adele']));
    const { user } = await renderView(<DirectoryPicker selected={[]} onChange={() => undefined} />);
    const search = screen.getByTestId('picker-search');
    await user.type(search, 'a');
    const count = await screen.findByTestId('picker-count');
    expect(count).toHaveTextContent('2 found');
    await waitFor(() => expect(scrolled).toHaveLength(1));
    expect(scrolled[0]).toContainElement(count);
    expect(scrolled[0]).toContainElement(screen.getByRole('listbox', { name: 'Search results' }));
    expect(search).toHaveFocus();

    await user.type(search, 'dele');
    await waitFor(() => expect(screen.getByTestId('picker-count')).toHaveTextContent('1 found'));
    await waitFor(() => expect(scrolled).toHaveLength(2));
  });

  it('scrolls nothing while nothing was found', async () => {
    vi.mocked(directorySearch).mockResolvedValue([]);
    const { user } = await renderView(<DirectoryPicker selected={[]} onChange={() => undefined} />);
    await user.type(screen.getByTestId('picker-search'), 'zz');
    expect(await screen.findByText('Nobody matches “zz”.')).toBeInTheDocument();
    expect(scrolled).toHaveLength(0);
  });

  it('searches on each keystroke and drops the answer of a search a newer one replaced', async () => {
    const older = deferred<DirectoryEntry[]>();
    const newer = deferred<DirectoryEntry[]>();
    vi.mocked(directorySearch).mockReturnValueOnce(older.promise).mockReturnValueOnce(newer.promise);
    const { user } = await renderView(<DirectoryPicker selected={[]} onChange={() => undefined} />);
    const search = screen.getByTestId('picker-search');
    await user.type(search, 'a');
    // Sent on the keystroke, before anything answered: no wait for typing to pause.
    expect(directorySearch).toHaveBeenCalledTimes(1);
    expect(directorySearch).toHaveBeenLastCalledWith(expect.any(String), 'a', 999, expect.any(Function));
    await user.type(search, 'd');
    expect(directorySearch).toHaveBeenCalledTimes(2);
    expect(directorySearch).toHaveBeenLastCalledWith(expect.any(String), 'ad', 999, expect.any(Function));

    await act(async () => newer.resolve(users(['Adele'])));
    expect(await screen.findByTestId('picker-count')).toHaveTextContent('1 found');
    // The older search answers last, with more rows: they are not shown.
    await act(async () => older.resolve(users(['Adele', 'Alex', 'Amy'])));
    expect(screen.getByTestId('picker-count')).toHaveTextContent('1 found');
    expect(screen.queryByText('Alex')).not.toBeInTheDocument();
    expect(screen.queryByText('Searching…')).not.toBeInTheDocument();
  });

  it('drops the events of a replaced search too', async () => {
    const sinks: ((event: DirectorySearchEvent) => void)[] = [];
    vi.mocked(directorySearch).mockImplementation((_id, _text, _top, onEvent) => {
      sinks.push(onEvent);
      return new Promise(() => undefined);
    });
    const { user } = await renderView(<DirectoryPicker selected={[]} onChange={() => undefined} />);
    await user.type(screen.getByTestId('picker-search'), 'ad');
    act(() => sinks[1]?.({ type: 'found', entries: users(['Adele']) }));
    expect(await screen.findByTestId('picker-count')).toHaveTextContent('1 found');
    act(() => sinks[0]?.({ type: 'found', entries: users(['Adele', 'Alex']) }));
    expect(screen.getByTestId('picker-count')).toHaveTextContent('1 found');
  });

  it('shows the rows as soon as they are found and fills in the member counts as they come', async () => {
    let send: (event: DirectorySearchEvent) => void = () => undefined;
    const answer = deferred<DirectoryEntry[]>();
    vi.mocked(directorySearch).mockImplementation((_id, _text, _top, onEvent) => {
      send = onEvent;
      return answer.promise;
    });
    const sales: DirectoryEntry = { id: 'g-1', kind: 'group', displayName: 'Sales', detail: 'sales@contoso.com' };
    const { user } = await renderView(<DirectoryPicker selected={[]} onChange={() => undefined} />);
    await user.type(screen.getByTestId('picker-search'), 's');
    expect(screen.getByText('Searching…')).toBeInTheDocument();

    // The rows, before any count: shown at once, the search no longer "searching".
    act(() => send({ type: 'found', entries: [...users(['Sam']), sales] }));
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    const details = () => within(list).getAllByTestId('picker-detail').map((detail) => detail.textContent);
    expect(details()).toEqual(['sam@contoso.com', 'sales@contoso.com']);
    expect(screen.queryByText('Searching…')).not.toBeInTheDocument();

    // Then the group's count, in its row; the active row stays where the keyboard put it.
    act(() => list.focus());
    await user.keyboard('{ArrowDown}');
    act(() => send({ type: 'memberCount', groupId: 'g-1', memberCount: 1234 }));
    await waitFor(() => expect(details()).toEqual(['sam@contoso.com', 'sales@contoso.com · 1,234 members']));
    expect(list).toHaveAttribute('aria-activedescendant', within(list).getAllByRole('option')[1]?.id);

    // The answer (the same rows, counted) changes nothing on screen.
    await act(async () => answer.resolve([...users(['Sam']), { ...sales, memberCount: 1234 }]));
    expect(details()).toEqual(['sam@contoso.com', 'sales@contoso.com · 1,234 members']);
    expect(list).toHaveAttribute('aria-activedescendant', within(list).getAllByRole('option')[1]?.id);
  });
});
