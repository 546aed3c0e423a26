// Why a card could not be read, as a stable code for the renderer and a Chinese message for the
// clerk. Every failure of the reader path ends as one of these; nothing else crosses to the page.

export const ID_CARD_REASONS = {
  notConfigured: 'E_IDCARD_NOT_CONFIGURED',
  libraryMissing: 'E_IDCARD_LIBRARY_MISSING',
  libraryArch: 'E_IDCARD_LIBRARY_ARCH',
  libraryInvalid: 'E_IDCARD_LIBRARY_INVALID',
  ffiUnavailable: 'E_IDCARD_FFI_UNAVAILABLE',
  noReader: 'E_IDCARD_NO_READER',
  noCard: 'E_IDCARD_NO_CARD',
  removed: 'E_IDCARD_REMOVED',
  readFailed: 'E_IDCARD_READ',
  format: 'E_IDCARD_FORMAT',
  busy: 'E_IDCARD_BUSY',
} as const;
export type IdCardReason = (typeof ID_CARD_REASONS)[keyof typeof ID_CARD_REASONS];

export class IdCardError extends Error {
  constructor(
    readonly reason: IdCardReason,
    message: string,
  ) {
    super(message);
    this.name = 'IdCardError';
  }
}

const MESSAGES: Record<IdCardReason, string> = {
  E_IDCARD_NOT_CONFIGURED: '未设置身份证读卡器（设置 → 本机设置）',
  E_IDCARD_LIBRARY_MISSING: '找不到读卡器驱动库',
  E_IDCARD_LIBRARY_ARCH: '读卡器驱动库与本机不匹配',
  E_IDCARD_LIBRARY_INVALID: '读卡器驱动库不是所选的接口',
  E_IDCARD_FFI_UNAVAILABLE: '本程序无法加载读卡器驱动（FFI 组件缺失）',
  E_IDCARD_NO_READER: '未找到身份证读卡器，请检查读卡器连接',
  E_IDCARD_NO_CARD: '请将身份证放在读卡器上',
  E_IDCARD_REMOVED: '读卡时身份证被移开，请重新放置',
  E_IDCARD_READ: '读卡失败，请重新放置身份证',
  E_IDCARD_FORMAT: '身份证信息无法识别，请手工录入',
  E_IDCARD_BUSY: '正在读卡，请稍候',
};

export function idCardError(reason: IdCardReason, detail?: string): IdCardError {
  return new IdCardError(reason, detail ? `${MESSAGES[reason]}：${detail}` : MESSAGES[reason]);
}
